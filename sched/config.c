/*
 * sched/config.c - the runtime's configuration: defaults, the WEIR_*
 * environment variables, validation, and the CPU lists that pin workers.
 *
 * Calls nothing else in sched (internal.h, "Dependencies").
 */
#include "sched/internal.h"

#include <errno.h>
#include <string.h>

WEIR_API void weir_config_init(weir_config_t *cfg)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->devices = 8;
	cfg->workers_per_device = 0;
	cfg->cpus = NULL;
	cfg->ring_capacity = 4096;
	cfg->spin_ns = 50000;
	cfg->quantum = 64;
	cfg->mem_capacity = 0;
	cfg->flags = 0;
}

static int parse_u64(const char *s, uint64_t *out, bool suffixes)
{
	/* A digit first: strtoull would also take blanks and a sign, and
	 * wrap "-1" (or " -1") to 2^64 - 1. */
	if (!s || *s < '0' || *s > '9')
		return WEIR_EINVAL;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s)
		return WEIR_EINVAL;
	if (suffixes && *end) {
		unsigned long long mul;
		switch (*end) {
		case 'k':
		case 'K': mul = 1ull << 10; break;
		case 'm':
		case 'M': mul = 1ull << 20; break;
		case 'g':
		case 'G': mul = 1ull << 30; break;
		case 't':
		case 'T': mul = 1ull << 40; break;
		default: return WEIR_EINVAL;
		}
		if (__builtin_mul_overflow(v, mul, &v))
			return WEIR_EINVAL; /* checked: never wraps */
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'b' || *end == 'B')
			end++;
	}
	if (*end)
		return WEIR_EINVAL;
	*out = v;
	return WEIR_OK;
}

WEIR_API int weir_config_from_env(weir_config_t *cfg)
{
	if (!cfg)
		return WEIR_EINVAL;
	weir_config_t c = *cfg;
	static const struct {
		const char *name;
		size_t off;
		bool suffix;
	} u32s[] = {
		{ "WEIR_DEVICES", offsetof(weir_config_t, devices), false },
		{ "WEIR_WORKERS", offsetof(weir_config_t, workers_per_device), false },
		{ "WEIR_RING_CAPACITY", offsetof(weir_config_t, ring_capacity), false },
		{ "WEIR_SPIN_NS", offsetof(weir_config_t, spin_ns), false },
		{ "WEIR_QUANTUM", offsetof(weir_config_t, quantum), false },
	};
	for (size_t i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++) {
		const char *v = getenv(u32s[i].name);
		uint64_t x;
		if (!v)
			continue;
		if (parse_u64(v, &x, u32s[i].suffix) || x > UINT32_MAX)
			return WEIR_EINVAL;
		*(uint32_t *)((char *)&c + u32s[i].off) = (uint32_t)x;
	}
	const char *v = getenv("WEIR_MEM_CAPACITY");
	if (v) {
		uint64_t x;
		if (parse_u64(v, &x, true))
			return WEIR_EINVAL;
		c.mem_capacity = x;
	}
	v = getenv("WEIR_CPUS");
	if (v)
		c.cpus = v;
	v = getenv("WEIR_NO_PIN");
	if (v) {
		if (!strcmp(v, "1"))
			c.flags |= WEIR_CONFIG_NO_PIN;
		else if (!strcmp(v, "0"))
			c.flags &= ~WEIR_CONFIG_NO_PIN;
		else
			return WEIR_EINVAL;
	}
	*cfg = c;
	return WEIR_OK;
}

int weir__config_validate(const weir_config_t *c)
{
	if (c->devices == 0 || c->devices > WEIR_MAX_DEVICES)
		return WEIR_EINVAL;
	if (c->workers_per_device > 256)
		return WEIR_EINVAL;
	if (c->ring_capacity < 2 || c->ring_capacity > (1u << 24) ||
	    (c->ring_capacity & (c->ring_capacity - 1)))
		return WEIR_EINVAL;
	if (c->quantum == 0)
		return WEIR_EINVAL;
	return WEIR_OK;
}

/* ------------------------------------------------------------------------ */
/* CPU lists                                                                 */
/* ------------------------------------------------------------------------ */

/* Parse "0-3,6" into cpus[]; returns the count, or -1 if malformed, or if a
 * CPU is outside the allowed mask. */
static int parse_cpulist(const char *s, const char *end, const cpu_set_t *allowed, int *cpus,
                         int max)
{
	int n = 0;
	while (s < end) {
		char *e;
		long a = strtol(s, &e, 10);
		if (e == s || a < 0 || a >= CPU_SETSIZE)
			return -1;
		long b = a;
		s = e;
		if (s < end && *s == '-') {
			s++;
			b = strtol(s, &e, 10);
			if (e == s || b < a || b >= CPU_SETSIZE)
				return -1;
			s = e;
		}
		for (long c = a; c <= b; c++) {
			if (!CPU_ISSET((int)c, allowed) || n >= max)
				return -1;
			cpus[n++] = (int)c;
		}
		if (s < end) {
			if (*s != ',')
				return -1;
			s++;
			if (s == end)
				return -1;
		}
	}
	return n;
}

int weir__cpu_lists_make(struct weir_cpu_lists *l, const char *cpus, const cpu_set_t *allowed)
{
	l->n = 0;
	l->cpu = weir__calloc(WEIR_MAX_DEVICES, sizeof(*l->cpu));
	if (!l->cpu)
		return WEIR_ENOMEM;
	if (cpus) {
		/* One shared list, or one per device separated by ';'. */
		const char *s = cpus;
		for (;;) {
			const char *e = strchr(s, ';');
			if (!e)
				e = s + strlen(s);
			if (l->n >= WEIR_MAX_DEVICES)
				goto bad;
			int n = parse_cpulist(s, e, allowed, l->cpu[l->n], WEIR_CPU_LIST_MAX);
			if (n <= 0)
				goto bad;
			l->len[l->n++] = n;
			if (!*e)
				break;
			s = e + 1;
		}
	} else {
		int n = 0;
		for (int c = 0; c < CPU_SETSIZE && n < WEIR_CPU_LIST_MAX; c++)
			if (CPU_ISSET(c, allowed))
				l->cpu[0][n++] = c;
		l->len[0] = n;
		l->n = 1;
	}
	return WEIR_OK;
bad:
	weir__cpu_lists_free(l);
	return WEIR_EINVAL;
}

int weir__cpu_lists_pick(const struct weir_cpu_lists *l, uint32_t dev, uint32_t worker,
                         uint32_t nworkers)
{
	if (l->n == 1) {
		uint32_t gi = dev * nworkers + worker;
		return l->cpu[0][gi % (uint32_t)l->len[0]];
	}
	int i = (int)(dev % (uint32_t)l->n);
	return l->cpu[i][worker % (uint32_t)l->len[i]];
}

void weir__cpu_lists_free(struct weir_cpu_lists *l)
{
	weir__free(l->cpu);
	l->cpu = NULL;
}
