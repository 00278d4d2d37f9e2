/*
 * A process that only exists to be seen in /proc, for e2e/agent-cost-benchmark.sh: started with the
 * argv of the process it stands for (argv[0] "qemu-kvm-one", "-name", "guest=one-7,...": the
 * benchmark sets argv[0] itself), it ignores its arguments and either sleeps for ever or, with
 * FAKE_BUSY_PERMILLE=N, burns N/1000 of one core in 100 ms periods, as a guest's vCPU would.
 * It dies with its parent (PR_SET_PDEATHSIG), so a benchmark killed with SIGKILL leaves no
 * process behind.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
  const char *parent = getenv("FAKE_PARENT_PID");
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  /* The parent may have died before prctl: then nobody would ever kill us. */
  if (parent != NULL && getppid() != atoi(parent)) return 1;

  const char *busy = getenv("FAKE_BUSY_PERMILLE");
  long permille = busy == NULL ? 0 : atol(busy);
  if (permille <= 0) {
    for (;;) pause();
  }
  if (permille > 1000) permille = 1000;
  const long long period = 100000000LL, burn = period / 1000 * permille;
  volatile unsigned long sink = 0;
  for (;;) {
    long long start = now_ns();
    while (now_ns() - start < burn) sink++;
    long long rest = period - (now_ns() - start);
    if (rest > 0) {
      struct timespec ts = {rest / 1000000000LL, rest % 1000000000LL};
      nanosleep(&ts, NULL);
    }
  }
}
