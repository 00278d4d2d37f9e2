/*
 * LD_PRELOAD shim for upstream Scaphandre on machines whose kernel has no loadable modules and
 * therefore no /proc/modules (these build machines): Scaphandre's RAPL sensor calls
 * procfs::modules().unwrap() and panics without it. Opening "/proc/modules" opens the file named
 * by FAKE_PROC_MODULES instead; every other path is untouched, and the Scaphandre binary itself is
 * the unmodified one from crates.io.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *redirect(const char *path) {
  const char *fake = getenv("FAKE_PROC_MODULES");
  if (path != NULL && fake != NULL && strcmp(path, "/proc/modules") == 0) {
    return fake;
  }
  return path;
}

#define FORWARD_OPEN(name)                                                   \
  int name(const char *path, int flags, ...) {                               \
    static int (*real)(const char *, int, ...);                              \
    if (!real) real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, #name); \
    mode_t mode = 0;                                                         \
    if (flags & (O_CREAT | O_TMPFILE)) {                                     \
      va_list ap; va_start(ap, flags); mode = va_arg(ap, mode_t); va_end(ap); \
    }                                                                        \
    return real(redirect(path), flags, mode);                                \
  }

#define FORWARD_OPENAT(name)                                                 \
  int name(int dirfd, const char *path, int flags, ...) {                    \
    static int (*real)(int, const char *, int, ...);                         \
    if (!real) real = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, #name); \
    mode_t mode = 0;                                                         \
    if (flags & (O_CREAT | O_TMPFILE)) {                                     \
      va_list ap; va_start(ap, flags); mode = va_arg(ap, mode_t); va_end(ap); \
    }                                                                        \
    return real(dirfd, redirect(path), flags, mode);                         \
  }

FORWARD_OPEN(open)
FORWARD_OPEN(open64)
FORWARD_OPENAT(openat)
FORWARD_OPENAT(openat64)
