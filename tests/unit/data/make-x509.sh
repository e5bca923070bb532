#!/usr/bin/env bash
# Makes the X.509 and OCSP fixtures of tests/unit/test_tls.c, and the seeds
# of tests/fuzz/fuzz_x509.c (each fixture with the mode byte in front), with
# the openssl CLI, offline. Run from anywhere. The private keys live in a
# temp dir and are thrown away. Certificates carry fixed dates, so the
# expected values in the tests survive a re-run; the OCSP responses carry
# the time of the run. fuzz_x509.c embeds ocsp-leaf.der and ca-p256.der as
# C arrays: after a re-run, paste them anew from `xxd -i`.
#
#   ca-p256.der        P-256 CA, self-signed, ecdsa-with-SHA256
#   leaf-rsa2048.der   RSA 2048 leaf signed by the CA, ecdsa-with-SHA256
#   ocsp-leaf.der      P-256 leaf signed by the CA: the subject of the responses
#   ed25519.der        Ed25519, self-signed
#   rsa1024-sha1.der   RSA 1024, self-signed, sha1WithRSAEncryption
#   rsa-pss.der        RSA-PSS 2048 key, self-signed, RSASSA-PSS (SHA-256)
#   dsa.der            DSA 2048, self-signed, dsa_with_SHA256
#   brainpool.der      EC brainpoolP256r1, self-signed
#   ec-explicit.der    EC P-384 with explicit curve parameters, self-signed
#   ed448.der          Ed448, self-signed
#   long-subject.der   EC P-256, self-signed, a subject of 7 attributes with
#                      UTF-8, a control character, a comma and quotes,
#                      longer than struct tls_cert's 255 characters
#   ocsp-good.der      "good" for ocsp-leaf, nextUpdate in 7 days
#   ocsp-revoked.der   "revoked" (keyCompromise) for ocsp-leaf
#   ocsp-stale.der     "good" for ocsp-leaf with nextUpdate = thisUpdate
#                      + 1 minute (stale 6 minutes after the run)
#   (seed only) ocsp-unknown: "unknown" for ocsp-leaf, signed by another key
set -euo pipefail
out=$(cd "$(dirname "$0")" && pwd)
seeds=$out/../../fuzz/corpus/x509
t=$(mktemp -d /tmp/cb-x509.XXXXXX)
trap 'rm -rf "$t"' EXIT
cd "$t"

cat >ca.cnf <<EOF
[ca]
default_ca = fixture
[fixture]
database = $t/index.txt
new_certs_dir = $t
serial = $t/serial
policy = any
unique_subject = no
email_in_dn = no
copy_extensions = none
[any]
organizationName = optional
commonName = supplied
[req]
distinguished_name = dn
[dn]
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[leaf_ext]
basicConstraints = CA:FALSE
subjectAltName = DNS:localhost
[self_ext]
basicConstraints = CA:FALSE
EOF
: >index.txt
echo 1000 >serial

ca() {	# key cn-or-/subject out start end ca-args...
	local key=$1 subj=$2 der=$3 start=$4 end=$5
	shift 5
	[ "${subj#/}" != "$subj" ] || subj="/O=cyberbaseline test/CN=$subj"
	openssl req -new -utf8 -config ca.cnf -key "$key" -subj "$subj" -out "$der.csr"
	openssl ca -batch -notext -utf8 -preserveDN -config ca.cnf -in "$der.csr" \
		-startdate "$start" -enddate "$end" -out "$der.pem" "$@" 2>/dev/null
	openssl x509 -in "$der.pem" -outform DER -out "$out/$der"
	{ printf '\x00'; cat "$out/$der"; } >"$seeds/cert-$der"
}

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ocsp.key
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2048.key
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024.key
openssl genpkey -algorithm ED25519 -out ed25519.key
openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out pss.key
openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out dsa.param
openssl genpkey -paramfile dsa.param -out dsa.key
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:brainpoolP256r1 -out bp.key
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -pkeyopt ec_param_enc:explicit \
	-out explicit.key
openssl genpkey -algorithm ED448 -out ed448.key
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key

ca ca.key "cyberbaseline fixture CA" ca-p256.der 260101000000Z 360101000000Z \
	-selfsign -keyfile ca.key -md sha256 -extensions ca_ext
ca rsa2048.key "rsa2048.test" leaf-rsa2048.der 260301120000Z 270301120000Z \
	-cert ca-p256.der.pem -keyfile ca.key -md sha256 -extensions leaf_ext
ca ocsp.key "ocsp.test" ocsp-leaf.der 260601000000Z 361231235959Z \
	-cert ca-p256.der.pem -keyfile ca.key -md sha256 -extensions leaf_ext
ca ed25519.key "ed25519.test" ed25519.der 250101000000Z 350101000000Z \
	-selfsign -keyfile ed25519.key -extensions self_ext
ca rsa1024.key "sha1.test" rsa1024-sha1.der 100101000000Z 200101000000Z \
	-selfsign -keyfile rsa1024.key -md sha1 -extensions self_ext
ca pss.key "pss.test" rsa-pss.der 260101000000Z 280101000000Z \
	-selfsign -keyfile pss.key -md sha256 -extensions self_ext
ca dsa.key "dsa.test" dsa.der 260101000000Z 270101000000Z \
	-selfsign -keyfile dsa.key -md sha256 -extensions self_ext
ca bp.key "brainpool.test" brainpool.der 260101000000Z 270101000000Z \
	-selfsign -keyfile bp.key -md sha256 -extensions self_ext
ca explicit.key "explicit.test" ec-explicit.der 260101000000Z 270101000000Z \
	-selfsign -keyfile explicit.key -md sha384 -extensions self_ext
ca ed448.key "ed448.test" ed448.der 260101000000Z 270101000000Z \
	-selfsign -keyfile ed448.key -extensions self_ext
x=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx	# 50
ca other.key "/C=DK/ST=Region Syddanmark $x/L=Ærøskøbing $x/O=Ærø Kommune/OU=line$(printf '\x01')break, \"quoted\"/OU=$x/CN=æøå.test" \
	long-subject.der 260101000000Z 270101000000Z -selfsign -keyfile other.key -md sha256 \
	-extensions self_ext

# OCSP: one request for ocsp-leaf, answered from a "valid" and a "revoked" index
openssl ocsp -issuer ca-p256.der.pem -cert ocsp-leaf.der.pem -no_nonce -reqout req.der
serial=$(openssl x509 -in ocsp-leaf.der.pem -noout -serial | cut -d= -f2)
subject=$(openssl x509 -in ocsp-leaf.der.pem -noout -subject -nameopt compat | cut -d= -f2-)
printf 'V\t361231235959Z\t\t%s\tunknown\t%s\n' "$serial" "$subject" >good.idx
printf 'R\t361231235959Z\t260701000000Z,keyCompromise\t%s\tunknown\t%s\n' "$serial" "$subject" >revoked.idx
resp() {	# index out signer-cert signer-key ocsp-args...
	local idx=$1 der=$2 cert=$3 key=$4
	shift 4
	openssl ocsp -index "$idx" -CA ca-p256.der.pem -rsigner "$cert" -rkey "$key" \
		-resp_no_certs -reqin req.der -respout "$der" "$@" >/dev/null
	{ printf '\x01'; cat "$der"; } >"$seeds/$(basename "$der")"
}
resp good.idx "$out/ocsp-good.der" ca-p256.der.pem ca.key -ndays 7
resp revoked.idx "$out/ocsp-revoked.der" ca-p256.der.pem ca.key -ndays 7
resp good.idx "$out/ocsp-stale.der" ca-p256.der.pem ca.key -nmin 1
# not in the index: "unknown"; the signature is not checked, any key will do
: >empty.idx
resp empty.idx ocsp-unknown.der long-subject.der.pem other.key -ndays 7

ls -l "$out"/*.der "$seeds"
