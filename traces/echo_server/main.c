/*
 * echo_server — seed 004's worker pool: an echo server whose workers take
 * client sockets from a queue.
 *
 *     def echo_server(addr, nworkers):
 *         q = Queue()
 *         for n in range(nworkers):
 *             t = Thread(target=echo_client, args=(q,)); t.daemon = True; t.start()
 *         sock = socket(AF_INET, SOCK_STREAM); sock.bind(addr); sock.listen(5)
 *         while True:
 *             client_sock, client_addr = sock.accept()
 *             q.put((client_sock, client_addr))
 *
 * and the same with a ThreadPoolExecutor:
 *
 *     pool = ThreadPoolExecutor(128)
 *     while True:
 *         client_sock, client_addr = sock.accept()
 *         pool.submit(echo_client, client_sock, client_addr)
 *
 * The C twin (the default run): 3 pthreads workers `echo_client N` take
 * sockets from the tl_queue `q`; `tl_echo_server pool` submits one task per
 * connection to the tl_pool `pool` (3 workers). The server listens on
 * 127.0.0.1, port 0 (the kernel picks a free one), and serves exactly 4
 * clients: main connects them in order, and 4 threads of this program,
 * `client N`, each send 3 lines and check the echo. With 3 workers, client
 * 4 waits until one is free. Then the server stops: it closes the queue
 * (or shuts the pool down) and joins everything. Every socket has a 2 s
 * timeout, so a bug ends in an error, not a hang.
 *
 * Both forms are correct: threadlens finds nothing.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <threadlens.h>

#define NWORKERS 3 /* the seed's 128 */
#define CLIENTS 4
#define LINES 3

/* print with the logging prefix "%(asctime)s: ", to the millisecond. */
static void say(const char *fmt, long a, long b) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    flockfile(stdout);
    printf("%02d:%02d:%02d.%03ld: ", tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
    printf(fmt, a, b);
    putchar('\n');
    funlockfile(stdout);
    fflush(stdout);
}

static void set_timeout(int fd) {
    struct timeval tv = {.tv_sec = 2, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static int send_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n <= 0) return -1;
        buf += n, len -= (size_t)n;
    }
    return 0;
}

/* ---- the server ------------------------------------------------------------ */

/* echo_client(client_sock, client_addr): echo until the client is done. */
static int echo(long fd, long conn) {
    char buf[256];
    int rc = 0;
    say("echo_client: serving connection %ld", conn, 0);
    for (;;) {
        /* recv is no pthread call: threadlens would draw the wait as
         * running. The phase shows it. */
        tl_phase_begin("waiting for a line");
        ssize_t n = recv((int)fd, buf, sizeof buf, 0);
        int err = errno;
        tl_phase_end();
        if (n == 0) break; /* the client is done */
        if (n < 0 || send_all((int)fd, buf, (size_t)n) != 0) {
            rc = n < 0 ? err : EPIPE;
            break;
        }
    }
    close((int)fd);
    say("echo_client: connection %ld closed", conn, 0);
    return rc;
}

/* A queue item: the socket and the connection's number (the seed's addr). */
#define ITEM(fd, conn) ((void *)(((long)(conn) << 32) | (long)(fd)))
#define ITEM_FD(item) ((long)(item) & 0xffffffffL)
#define ITEM_CONN(item) ((long)(item) >> 32)

static tl_queue *q;

static void *echo_worker(void *arg) {
    char name[16];
    snprintf(name, sizeof name, "echo_client %ld", (long)arg);
    pthread_setname_np(pthread_self(), name);
    void *item;
    while (tl_queue_get(q, &item) == 0) /* EPIPE: closed, the server is done */
        echo(ITEM_FD(item), ITEM_CONN(item));
    return NULL;
}

static int echo_task(void *item, void **result) {
    (void)result;
    int rc = echo(ITEM_FD(item), ITEM_CONN(item));
    return rc ? tl_task_fail("connection %ld: %s", ITEM_CONN(item), strerror(rc)) : 0;
}

static int listen_fd;
static int use_pool;
static sem_t server_ready; /* the workers are up: the clients may start */

/* Lets main go on (its clients then fail to connect or time out). */
static void *server_failed(void) {
    sem_post(&server_ready);
    return (void *)1L;
}

static void *echo_server(void *arg) {
    (void)arg;
    pthread_setname_np(pthread_self(), "echo_server");
    tl_pool *pool = NULL;
    pthread_t workers[NWORKERS];
    tl_future *futures[CLIENTS] = {0};
    if (use_pool) {
        pool = tl_pool_create(NWORKERS, "pool");
        if (!pool) return server_failed();
    } else {
        q = tl_queue_create(0, "q");
        if (!q) return server_failed();
        for (long n = 0; n < NWORKERS; n++)
            if (pthread_create(&workers[n], NULL, echo_worker, (void *)(n + 1))) return server_failed();
    }
    sem_post(&server_ready);
    long failed = 0;
    for (long conn = 1; conn <= CLIENTS; conn++) { /* the seed's while True, bounded */
        int fd = accept(listen_fd, NULL, NULL);
        if (fd < 0) {
            say("accept failed: errno %ld", errno, 0);
            failed = 1;
            break;
        }
        set_timeout(fd);
        if (use_pool) {
            char label[32];
            snprintf(label, sizeof label, "echo_client(%ld)", conn);
            futures[conn - 1] = tl_pool_submit(pool, echo_task, ITEM(fd, conn), label);
        } else {
            tl_queue_put(q, ITEM(fd, conn));
        }
    }
    if (use_pool) {
        tl_pool_shutdown(pool, 0);
        for (int i = 0; i < CLIENTS; i++)
            if (futures[i] && tl_future_result(futures[i], NULL) != 0) {
                printf("task echo_client(%d) failed: %s\n", i + 1, tl_future_error(futures[i]));
                failed = 1;
            }
        tl_pool_destroy(pool);
    } else {
        tl_queue_close(q); /* the workers drain the queue, then end */
        for (int n = 0; n < NWORKERS; n++) pthread_join(workers[n], NULL);
        tl_queue_destroy(q);
    }
    say("Echo server: served %ld clients, stopping", CLIENTS, 0);
    return (void *)failed;
}

/* ---- the clients ----------------------------------------------------------- */

static struct sockaddr_in server_addr;

/* Main connected the socket (client N is connection N). */
static void *client(void *arg) {
    long id = ITEM_CONN(arg);
    int fd = (int)ITEM_FD(arg);
    char name[32]; /* the thread keeps 15 bytes of it */
    snprintf(name, sizeof name, "client %ld", id);
    pthread_setname_np(pthread_self(), name);
    long bad = 0;
    for (int line = 1; line <= LINES && !bad; line++) {
        char out[64], in[64];
        int len = snprintf(out, sizeof out, "client %ld, line %d\n", id, line);
        if (send_all(fd, out, (size_t)len) != 0) bad = 1;
        for (int got = 0; got < len && !bad;) { /* the echo may come in pieces */
            tl_phase_begin("waiting for the echo");
            ssize_t n = recv(fd, in + got, (size_t)(len - got), 0);
            tl_phase_end();
            if (n <= 0) bad = 1;
            else got += (int)n;
        }
        if (!bad && memcmp(in, out, (size_t)len) != 0) bad = 1;
        if (!bad) say("client %ld: echo of line %ld ok", id, line);
        tl_sleep_ms(20);
    }
    shutdown(fd, SHUT_WR); /* done: the server's recv sees the end */
    char c;
    if (!bad && recv(fd, &c, 1, 0) != 0) bad = 1;
    close(fd);
    if (bad) say("client %ld: FAILED", id, 0);
    return (void *)bad;
}

int main(int argc, char **argv) {
    use_pool = argc > 1 && strcmp(argv[1], "pool") == 0;
    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    server_addr.sin_family = AF_INET;
    server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    server_addr.sin_port = 0;
    socklen_t len = sizeof server_addr;
    if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&server_addr, sizeof server_addr) != 0 ||
        listen(listen_fd, 5) != 0 || getsockname(listen_fd, (struct sockaddr *)&server_addr, &len) != 0) {
        perror("echo_server: listen on 127.0.0.1");
        return 1;
    }
    set_timeout(listen_fd); /* accept() too gives up after 2 s */
    say("Echo server running at 127.0.0.1 port %ld", ntohs(server_addr.sin_port), 0);

    pthread_t server, clients[CLIENTS];
    sem_init(&server_ready, 0, 0);
    if (pthread_create(&server, NULL, echo_server, NULL)) return 1;
    sem_wait(&server_ready);
    /* Connected in order, so the server accepts client N as connection N. */
    for (long id = 1; id <= CLIENTS; id++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) return 1;
        set_timeout(fd);
        if (connect(fd, (struct sockaddr *)&server_addr, sizeof server_addr) != 0) {
            perror("client: connect");
            return 1;
        }
        if (pthread_create(&clients[id - 1], NULL, client, ITEM(fd, id))) return 1;
    }
    long failed = 0;
    for (int i = 0; i < CLIENTS; i++) {
        void *bad;
        pthread_join(clients[i], &bad);
        failed += (long)bad;
    }
    void *server_rc;
    pthread_join(server, &server_rc);
    close(listen_fd);
    printf("%ld of %d clients got their echo\n", CLIENTS - failed, CLIENTS);
    return failed || server_rc ? 1 : 0;
}
