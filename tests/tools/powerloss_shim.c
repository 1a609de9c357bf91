/* Power-loss emulation for the durability tests (LD_PRELOAD).
 *
 * Records, for every successful fsync/fdatasync of a regular file, the file's identity and its
 * size when the call started, in the journal named by CARDINAL_POWERLOSS_JOURNAL. After a
 * SIGKILL the test cuts every data file back to the size its last fsync covered, which is what
 * survives a power cut on a file system that keeps only fsynced data. The size is taken before
 * the real call so that bytes written while it runs never count as durable. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void record(int fd, const struct stat *st) {
  const char *journal = getenv("CARDINAL_POWERLOSS_JOURNAL");
  if (journal == NULL || !S_ISREG(st->st_mode)) return;
  char line[96];
  int n = snprintf(line, sizeof line, "%llu %llu %lld\n", (unsigned long long)st->st_dev,
                   (unsigned long long)st->st_ino, (long long)st->st_size);
  int jfd = open(journal, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (jfd < 0) return;
  ssize_t w = write(jfd, line, (size_t)n); /* one write on O_APPEND: lines never interleave */
  (void)w;
  close(jfd);
}

static int synced(const char *name, int fd) {
  int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, name);
  struct stat st;
  int have = fstat(fd, &st) == 0;
  int rc = real(fd);
  if (rc == 0 && have) record(fd, &st);
  return rc;
}

int fsync(int fd) { return synced("fsync", fd); }
int fdatasync(int fd) { return synced("fdatasync", fd); }
