/*
 * tests/fuzz/replay.c - run a libFuzzer harness over its checked-in corpus
 * without libFuzzer, so every lane (gcc release, TSan, ASan+UBSan) replays
 * every input that ever found a bug.
 *
 *   replay_<harness> DIR|FILE...
 *
 * Each regular file is passed once to LLVMFuzzerTestOneInput (after
 * LLVMFuzzerInitialize, when the harness defines one). A crash or sanitizer
 * report fails the test; an empty corpus fails too, so a lost corpus cannot
 * pass silently.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			uint8_t *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		if (!got)
			break;
		n += got;
	}
	fclose(f);
	/* A private copy sized exactly, so ASan sees any read past the input. */
	uint8_t *in = malloc(n ? n : 1);
	if (!in) {
		free(buf);
		return -1;
	}
	memcpy(in, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(in, n);
	free(in);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	unsigned ran = 0, bad = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			bad++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad += replay_file(argv[i]) != 0;
			ran++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		if (!d) {
			perror(argv[i]);
			bad++;
			continue;
		}
		char **names = NULL;
		size_t nn = 0;
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char **nnames = realloc(names, (nn + 1) * sizeof(*names));
			if (!nnames)
				abort();
			names = nnames;
			size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
			names[nn] = malloc(len);
			if (!names[nn])
				abort();
			snprintf(names[nn], len, "%s/%s", argv[i], e->d_name);
			nn++;
		}
		closedir(d);
		qsort(names, nn, sizeof(*names), cmp); /* a stable order to report */
		for (size_t k = 0; k < nn; k++) {
			if (stat(names[k], &st) == 0 && S_ISREG(st.st_mode)) {
				bad += replay_file(names[k]) != 0;
				ran++;
			}
			free(names[k]);
		}
		free(names);
	}
	printf("replayed %u inputs, %u unreadable\n", ran, bad);
	return ran == 0 || bad ? 1 : 0;
}
