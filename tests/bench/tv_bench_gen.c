/*
 * tv_bench_gen.c — a synthetic threadlens trace, shaped like what the
 * runtime writes for a lock-heavy program: 8 worker threads taking 16 shared
 * locks (a few hot, so about a third of the acquisitions wait), with the
 * state slices, lock holds (b/e with id2.local), waiter counters, handoff
 * flows, program counters, sleeps and marks of docs/trace-format.md.
 *
 * Threads are simulated in time order (always advancing the one furthest
 * behind), so waits end exactly when the holder releases. Lines are
 * formatted by hand into a large buffer: printf would make writing a 10M
 * event file take longer than loading it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tv_bench.h"

#define NTHREADS 8
#define NLOCKS 16
#define NREADERS 2 /* the last NREADERS locks are rwlocks taken for reading */
#define PID "4242"

static const char *const lock_name[NLOCKS] = {
    "queue", "cache", "stats", "alloc", "log",   "index", "conf",  "pool",
    "table", "store", "net",   "disk",  "timer", "users", "state", "ring"};
/* call sites, as the runtime writes them (file:line, file relative) */
static const char *const site[] = {"q.c:112", "q.c:131", "q.c:154", "w.c:48",
                                   "w.c:77",  "w.c:203", "w.c:219", "d.c:88"};
#define NSITES (sizeof site / sizeof *site)

typedef struct out {
    FILE *f;
    char *buf;
    size_t n, cap;
    uint64_t events, bytes;
    int err;
} out;

static void flush_out(out *o) {
    if (o->n && fwrite(o->buf, 1, o->n, o->f) != o->n) o->err = errno ? errno : EIO;
    o->bytes += o->n;
    o->n = 0;
}

static inline void put(out *o, const char *s, size_t len) {
    memcpy(o->buf + o->n, s, len);
    o->n += len;
}
#define PUTS(o, lit) put(o, lit, sizeof lit - 1)

static inline void put_str(out *o, const char *s) { put(o, s, strlen(s)); }

static inline void put_u64(out *o, uint64_t v) {
    char tmp[24];
    int i = 24;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(o, tmp + i, (size_t)(24 - i));
}

/* ns -> microseconds with three decimals, as the runtime writes ts and dur */
static inline void put_us(out *o, int64_t ns) {
    put_u64(o, (uint64_t)(ns / 1000));
    char frac[4] = {'.', (char)('0' + ns / 100 % 10), (char)('0' + ns / 10 % 10),
                    (char)('0' + ns % 10)};
    put(o, frac, 4);
}

/* Every event line starts the same way and ends in "},\n". */
static inline void begin(out *o, char ph, int tid) {
    if (o->cap - o->n < 4096) flush_out(o);
    PUTS(o, "{\"ph\":\"");
    o->buf[o->n++] = ph;
    PUTS(o, "\",\"pid\":" PID ",\"tid\":");
    put_u64(o, (uint64_t)tid);
}

static inline void end(out *o) {
    PUTS(o, "},\n");
    o->events++;
}

static void state(out *o, int tid, int64_t ts, int64_t dur, const char *prefix, const char *name,
                  const char *at, uint64_t flow_in) {
    begin(o, 'X', tid);
    PUTS(o, ",\"ts\":");
    put_us(o, ts);
    PUTS(o, ",\"dur\":");
    put_us(o, dur);
    PUTS(o, ",\"cat\":\"state\",\"name\":\"");
    put_str(o, prefix);
    put_str(o, name);
    if (flow_in) {
        PUTS(o, "\",\"bind_id\":");
        put_u64(o, flow_in);
        PUTS(o, ",\"flow_in\":true,\"args\":{\"at\":\"");
    } else {
        PUTS(o, "\",\"args\":{\"at\":\"");
    }
    put_str(o, at);
    PUTS(o, "\"}");
    end(o);
}

static void hold(out *o, int tid, const char *thread, int lock, uint64_t id, int64_t ts, int64_t dur,
                 int read, const char *at) {
    begin(o, 'b', tid);
    PUTS(o, ",\"ts\":");
    put_us(o, ts);
    PUTS(o, ",\"cat\":\"lock\",\"name\":\"");
    put_str(o, lock_name[lock]);
    PUTS(o, "\",\"id2\":{\"local\":");
    put_u64(o, id);
    PUTS(o, "},\"args\":{\"thread\":\"");
    put_str(o, thread);
    if (read) PUTS(o, "\",\"mode\":\"read");
    PUTS(o, "\",\"at\":\"");
    put_str(o, at);
    PUTS(o, "\"}");
    end(o);
    begin(o, 'e', tid);
    PUTS(o, ",\"ts\":");
    put_us(o, ts + dur);
    PUTS(o, ",\"cat\":\"lock\",\"name\":\"");
    put_str(o, lock_name[lock]);
    PUTS(o, "\",\"id2\":{\"local\":");
    put_u64(o, id);
    PUTS(o, "},\"args\":{\"released_at\":\"");
    put_str(o, at);
    PUTS(o, "\"}");
    end(o);
}

static void counter(out *o, int tid, int64_t ts, const char *name, const char *key, uint64_t v) {
    begin(o, 'C', tid);
    PUTS(o, ",\"ts\":");
    put_us(o, ts);
    PUTS(o, ",\"name\":\"");
    put_str(o, name);
    PUTS(o, "\",\"args\":{\"");
    put_str(o, key);
    PUTS(o, "\":");
    put_u64(o, v);
    PUTS(o, "}");
    end(o);
}

static void flow_out(out *o, int tid, int64_t ts, const char *lock, uint64_t bind) {
    begin(o, 'X', tid);
    PUTS(o, ",\"ts\":");
    put_us(o, ts);
    PUTS(o, ",\"dur\":0,\"cat\":\"flow\",\"name\":\"unlock ");
    put_str(o, lock);
    PUTS(o, "\",\"bind_id\":");
    put_u64(o, bind);
    PUTS(o, ",\"flow_out\":true");
    end(o);
}

static void meta(out *o, int tid, const char *name, const char *args) {
    begin(o, 'M', tid);
    PUTS(o, ",\"name\":\"");
    put_str(o, name);
    PUTS(o, "\",\"args\":{");
    put_str(o, args);
    PUTS(o, "}");
    end(o);
}

/* xorshift64*: reproducible files, no libc state */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static inline uint64_t rnd(void) {
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ull;
}
static inline int64_t between(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1)); }

typedef struct thr {
    int tid;
    char name[16];
    int64_t now;       /* the thread's clock: everything before is written */
    int64_t run_start; /* start of the current running slice */
    const char *run_at;
    uint64_t flow_in;  /* bind id of the running slice, 0 when none */
    uint64_t cycles;
} thr;

typedef struct lck {
    int64_t free_at;
    int holder;           /* tid of the last holder */
    int64_t wait_end[NTHREADS]; /* ends of the waits queued on it */
} lck;

static int waiters_at(const lck *k, int64_t t) {
    int n = 0;
    for (int i = 0; i < NTHREADS; i++) n += k->wait_end[i] > t;
    return n;
}

static int pick_lock(void) {
    uint64_t r = rnd() % 100;
    if (r < 45) return (int)(r % 3); /* hot: queue, cache, stats */
    if (r < 55) return NLOCKS - 1 - (int)(r % NREADERS);
    return 3 + (int)(rnd() % (NLOCKS - 3 - NREADERS));
}

int tv_bench_generate(const char *path, uint64_t events, tv_bench_file *res) {
    out o = {0};
    o.f = fopen(path, "wb");
    if (!o.f) return -1;
    o.cap = 8u << 20;
    o.buf = malloc(o.cap);
    if (!o.buf) {
        fclose(o.f);
        errno = ENOMEM;
        return -1;
    }
    rng = 0x9e3779b97f4a7c15ull;
    thr t[NTHREADS];
    lck k[NLOCKS];
    memset(k, 0, sizeof k);
    char args[256];

    PUTS(&o, "[\n");
    meta(&o, 1, "process_name", "\"name\":\"tv_bench_app\"");
    for (int i = 0; i < NTHREADS; i++) {
        t[i] = (thr){.tid = i + 1, .now = 1000 + i * 137, .run_at = site[0]};
        snprintf(t[i].name, sizeof t[i].name, i ? "worker %d" : "main", i);
        t[i].run_start = t[i].now;
        snprintf(args, sizeof args, "\"name\":\"%s\"", t[i].name);
        meta(&o, t[i].tid, "thread_name", args);
        snprintf(args, sizeof args, "\"sort_index\":%d", t[i].tid);
        meta(&o, t[i].tid, "thread_sort_index", args);
    }
    for (int i = 0; i < NLOCKS; i++) {
        snprintf(args, sizeof args,
                 "\"id\":%d,\"kind\":\"%s\",\"name\":\"%s\",\"addr\":\"0x55d0c0de%04x\","
                 "\"created_at\":\"q.c:%d\"",
                 i + 1, i >= NLOCKS - NREADERS ? "rwlock" : "mutex", lock_name[i], i * 64, 20 + i);
        meta(&o, 1, "threadlens_object", args);
    }

    uint64_t hold_id = 0, bind = 0, depth = 10;
    while (o.events < events && !o.err) {
        thr *th = &t[0];
        for (int i = 1; i < NTHREADS; i++)
            if (t[i].now < th->now) th = &t[i];
        th->cycles++;
        int64_t a = th->now + between(300, 6000); /* work before the next lock */
        const char *at = site[rnd() % NSITES];

        if (th->cycles % 64 == 0) { /* now and then a sleep */
            state(&o, th->tid, th->run_start, a - th->run_start, "running", "", th->run_at, th->flow_in);
            int64_t sl = between(5000, 50000);
            state(&o, th->tid, a, sl, "", "sleeping", at, 0);
            th->run_start = th->now = a + sl;
            th->run_at = at;
            th->flow_in = 0;
            continue;
        }
        /* the program's own counter (tl_counter), as a queue's depth */
        depth = depth + (rnd() & 1) * 2 - 1 + (depth == 0);
        counter(&o, th->tid, a, "depth", "value", depth);
        if (th->cycles % 4096 == 0) {
            begin(&o, 'i', th->tid);
            PUTS(&o, ",\"ts\":");
            put_us(&o, a);
            PUTS(&o, ",\"s\":\"t\",\"cat\":\"mark\",\"name\":\"batch done\"");
            end(&o);
        }

        int li = pick_lock();
        lck *lk = &k[li];
        int64_t h = between(200, 3000);
        if (li >= NLOCKS - NREADERS) { /* read hold: readers share */
            hold(&o, th->tid, th->name, li, ++hold_id, a, h, 1, at);
            th->now = a + h;
            continue;
        }
        int64_t acq = a;
        if (lk->free_at > a) { /* busy: wait for the holder's release */
            acq = lk->free_at;
            lk->wait_end[th->tid - 1] = acq;
            state(&o, th->tid, th->run_start, a - th->run_start, "running", "", th->run_at, th->flow_in);
            counter(&o, th->tid, a, lock_name[li], "waiters", (uint64_t)waiters_at(lk, a));
            state(&o, th->tid, a, acq - a, "waiting for ", lock_name[li], at, 0);
            counter(&o, th->tid, acq, lock_name[li], "waiters", (uint64_t)waiters_at(lk, acq));
            flow_out(&o, lk->holder, acq - 1, lock_name[li], ++bind);
            th->run_start = acq;
            th->run_at = at;
            th->flow_in = bind;
        }
        hold(&o, th->tid, th->name, li, ++hold_id, acq, h, 0, at);
        lk->free_at = acq + h;
        lk->holder = th->tid;
        th->now = acq + h;
    }

    int64_t last = 0;
    for (int i = 0; i < NTHREADS; i++)
        if (t[i].now > last) last = t[i].now;
    for (int i = 0; i < NTHREADS; i++)
        state(&o, t[i].tid, t[i].run_start, last - t[i].run_start, "running", "", t[i].run_at, t[i].flow_in);
    snprintf(args, sizeof args, "\"events\":%llu,\"dropped\":0,\"clock\":\"tsc\"",
             (unsigned long long)o.events + 1);
    begin(&o, 'M', 1);
    PUTS(&o, ",\"name\":\"threadlens_summary\",\"args\":{");
    put_str(&o, args);
    PUTS(&o, "}}\n]\n");
    o.events++;
    flush_out(&o);
    free(o.buf);
    if (fclose(o.f) && !o.err) o.err = errno;
    if (o.err) {
        errno = o.err;
        return -1;
    }
    res->events = o.events;
    res->bytes = o.bytes;
    res->duration_ns = last - 1000;
    return 0;
}
