#ifndef CB_FOLLOW_H
#define CB_FOLLOW_H
/* `cyberbaseline history follow` (cli/follow.c): argv[0] is "follow". Returns the exit code. */
int cmd_follow(int argc, char **argv);

#endif
