/* A distant MX for the MailFlowTools lab: an Internet round-trip time in front of Postfix.
 *
 * The lab's links have no delay, so every probe there is bound by CPU, while real MX hosts are
 * tens of milliseconds away, and the kernel here has no netem. This relay accepts SMTP
 * connections on the given addresses and forwards the bytes to an upstream server (Postfix at
 * 198.51.100.25), holding every chunk for the one-way delay in each direction: each
 * request/reply exchange, TLS included (the relay never looks inside), then costs one round
 * trip. Order is kept; nothing is dropped or changed.
 *
 * Written in C, one thread and one epoll set, because the relay shares the machine's cores with
 * the tool being measured. On 500 sessions at 20 ms (Test-MxPath, throttle 32) the asyncio relay
 * it replaces used 0.87 s of CPU (0.64 s rewritten on asyncio protocols), about half the CLI's
 * own; this one uses 0.45 s, nearly all of it the kernel's TCP work for its two legs.
 *
 * The delay is read at each new connection from --delay-file (milliseconds, one way), so a
 * benchmark can sweep round-trip times without restarting the relay; --delay-ms is used when the
 * file is missing or unreadable. A leg that fails ends the data towards it; the other direction
 * still delivers what it holds, then ends.
 *
 * usage: wan [--port 25] [--upstream 198.51.100.25] [--upstream-port 25]
 *            [--delay-ms 20] [--delay-file PATH] ADDR [ADDR ...]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_LISTEN 8
#define READ_SIZE 65536
#define HIGH_WATER (1u << 20)        /* queued bytes in one direction before reading pauses */
#define CONNECT_TIMEOUT_NS (10ull * 1000000000ull)

struct chunk {
    struct chunk *next;
    uint64_t due;   /* CLOCK_MONOTONIC, ns */
    size_t len, off;
    int eof;
    char data[];
};

struct session;

struct leg {                /* one socket; its events point here */
    struct session *s;
    int fd, idx;
    int reading, blocked, watched;
};

struct direction {          /* bytes read from leg[i], written to leg[1 - i] */
    struct chunk *head, *tail;
    size_t queued;
    int eof_queued, done;
};

struct session {
    struct session *prev, *next;
    struct leg leg[2];      /* 0: client, 1: upstream */
    struct direction dir[2];
    uint64_t delay, connect_deadline;
    int connecting, dead;
};

static struct {
    int ep, timer;
    const char *delay_file;
    double delay_ms;
    struct sockaddr_storage upstream;
    socklen_t upstream_len;
    struct session *sessions;
    char buf[READ_SIZE];
} g;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t read_delay(void) {
    double ms = g.delay_ms;
    if (g.delay_file) {
        FILE *f = fopen(g.delay_file, "r");
        if (f) {
            double v;
            if (fscanf(f, "%lf", &v) == 1) ms = v;
            fclose(f);
        }
    }
    if (!(ms > 0)) ms = 0;
    return (uint64_t)(ms * 1e6);
}

static int parse_addr(const char *text, int port, struct sockaddr_storage *ss, socklen_t *len) {
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof *v4;
        return 0;
    }
    if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof *v6;
        return 0;
    }
    return -1;
}

static void watch(struct leg *l) {
    struct epoll_event ev = {0};
    ev.data.ptr = l;
    if (l->reading) ev.events |= EPOLLIN;
    if (l->blocked || (l->idx == 1 && l->s->connecting)) ev.events |= EPOLLOUT;
    if (epoll_ctl(g.ep, l->watched ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, l->fd, &ev) == 0) l->watched = 1;
}

static void free_chunks(struct direction *d) {
    while (d->head) {
        struct chunk *c = d->head;
        d->head = c->next;
        free(c);
    }
    d->tail = NULL;
    d->queued = 0;
}

/* Closes the sockets now; the memory goes in service(), as events of this batch may still name it. */
static void session_close(struct session *s) {
    if (s->dead) return;
    s->dead = 1;
    for (int i = 0; i < 2; i++) {
        free_chunks(&s->dir[i]);
        close(s->leg[i].fd);
    }
}

static void session_free(struct session *s) {
    if (s->prev) s->prev->next = s->next; else g.sessions = s->next;
    if (s->next) s->next->prev = s->prev;
    free(s);
}

static void push(struct session *s, int i, const char *data, size_t len, int eof) {
    struct chunk *c = malloc(sizeof *c + len);
    if (!c) { perror("wan: malloc"); exit(1); }
    c->next = NULL;
    c->due = now_ns() + s->delay;
    c->len = len;
    c->off = 0;
    c->eof = eof;
    if (len) memcpy(c->data, data, len);
    struct direction *d = &s->dir[i];
    if (d->tail) d->tail->next = c; else d->head = c;
    d->tail = c;
    d->queued += len;
    if (eof) d->eof_queued = 1;
}

/* Leg i cannot be used any more: nothing more is read from it, nothing more goes to it. */
static void leg_failed(struct session *s, int i) {
    struct leg *l = &s->leg[i];
    if (l->watched) epoll_ctl(g.ep, EPOLL_CTL_DEL, l->fd, NULL);
    l->watched = l->reading = l->blocked = 0;
    struct direction *towards = &s->dir[1 - i];
    free_chunks(towards);
    towards->done = 1;
    if (!s->dir[i].eof_queued && !s->dir[i].done) push(s, i, NULL, 0, 1);
}

/* Writes the due chunks of direction i. */
static void flush(struct session *s, int i, uint64_t now) {
    struct direction *d = &s->dir[i];
    struct leg *sink = &s->leg[1 - i], *source = &s->leg[i];
    if (d->done || s->connecting || sink->blocked) return;
    while (d->head && d->head->due <= now) {
        struct chunk *c = d->head;
        if (c->eof) {
            shutdown(sink->fd, SHUT_WR);
            free_chunks(d);
            d->done = 1;
            break;
        }
        ssize_t n = send(sink->fd, c->data + c->off, c->len - c->off, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            sink->blocked = 1;
            watch(sink);
            break;
        }
        if (n < 0) {
            leg_failed(s, 1 - i);
            break;
        }
        c->off += (size_t)n;
        d->queued -= (size_t)n;
        if (c->off < c->len) continue;
        d->head = c->next;
        if (!d->head) d->tail = NULL;
        free(c);
    }
    if (!source->reading && !d->eof_queued && !d->done && source->watched && d->queued <= HIGH_WATER / 2) {
        source->reading = 1;
        watch(source);
    }
}

static void on_readable(struct session *s, int i) {
    struct leg *l = &s->leg[i];
    ssize_t n = recv(l->fd, g.buf, sizeof g.buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (n < 0) { leg_failed(s, i); return; }
    push(s, i, g.buf, (size_t)n, n == 0);
    if (n == 0 || s->dir[i].queued > HIGH_WATER) {   /* end of stream, or too much waiting */
        l->reading = 0;
        watch(l);
    }
}

/* Returns 0 when the backlog is empty. */
static int accept_one(int lfd) {
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return 0;
    int up = socket(g.upstream.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (up < 0) { close(fd); return 1; }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(up, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct session *s = calloc(1, sizeof *s);
    if (!s) { perror("wan: calloc"); exit(1); }
    s->delay = read_delay();
    for (int i = 0; i < 2; i++) { s->leg[i].s = s; s->leg[i].idx = i; s->leg[i].reading = 1; }
    s->leg[0].fd = fd;
    s->leg[1].fd = up;
    s->next = g.sessions;
    if (g.sessions) g.sessions->prev = s;
    g.sessions = s;
    if (connect(up, (struct sockaddr *)&g.upstream, g.upstream_len) < 0 && errno != EINPROGRESS) {
        session_close(s);
        return 1;
    }
    s->connecting = 1;
    s->connect_deadline = now_ns() + CONNECT_TIMEOUT_NS;
    watch(&s->leg[0]);
    watch(&s->leg[1]);
    return 1;
}

static void on_event(struct leg *l, uint32_t events) {
    struct session *s = l->s;
    if (s->dead) return;
    if (l->idx == 1 && s->connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err || (events & (EPOLLERR | EPOLLHUP))) { session_close(s); return; }
        s->connecting = 0;
        watch(l);
        return;
    }
    if (events & EPOLLERR) {
        leg_failed(s, l->idx);
        return;
    }
    if (events & (EPOLLIN | EPOLLHUP)) {
        if (l->reading) on_readable(s, l->idx);
        else if (events & EPOLLHUP) leg_failed(s, l->idx);
    }
    if ((events & EPOLLOUT) && l->blocked) {
        l->blocked = 0;
        watch(l);
    }
}

/* Writes everything due, frees ended sessions, then arms the timer for the earliest chunk or
 * connect deadline. A scan of every session per wake-up: the lab holds a few dozen at once. */
static void service(void) {
    uint64_t now = now_ns(), next = 0;
    struct session *s = g.sessions;
    while (s) {
        struct session *following = s->next;
        if (s->connecting && s->connect_deadline <= now) session_close(s);
        for (int i = 0; i < 2 && !s->dead; i++) flush(s, i, now);
        if (!s->dead && s->dir[0].done && s->dir[1].done) session_close(s);
        if (s->dead) session_free(s);
        else {
            for (int i = 0; i < 2; i++) {
                struct direction *d = &s->dir[i];
                if (d->head && !d->done && !s->connecting && !s->leg[1 - i].blocked && (!next || d->head->due < next))
                    next = d->head->due;
            }
            if (s->connecting && (!next || s->connect_deadline < next)) next = s->connect_deadline;
        }
        s = following;
    }
    struct itimerspec its = {0};
    if (next) {
        its.it_value.tv_sec = (time_t)(next / 1000000000ull);
        its.it_value.tv_nsec = (long)(next % 1000000000ull);
    }
    timerfd_settime(g.timer, TFD_TIMER_ABSTIME, &its, NULL);
}

static int usage(void) {
    fprintf(stderr, "usage: wan [--port 25] [--upstream 198.51.100.25] [--upstream-port 25] "
                    "[--delay-ms 20] [--delay-file PATH] ADDR [ADDR ...]\n");
    return 2;
}

int main(int argc, char **argv) {
    int port = 25, upstream_port = 25, nlisten = 0;
    const char *upstream = "198.51.100.25";
    const char *addrs[MAX_LISTEN];
    g.delay_ms = 20;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (!strcmp(a, "--port") && has_value) port = atoi(argv[++i]);
        else if (!strcmp(a, "--upstream") && has_value) upstream = argv[++i];
        else if (!strcmp(a, "--upstream-port") && has_value) upstream_port = atoi(argv[++i]);
        else if (!strcmp(a, "--delay-ms") && has_value) g.delay_ms = atof(argv[++i]);
        else if (!strcmp(a, "--delay-file") && has_value) g.delay_file = argv[++i];
        else if (a[0] == '-' || nlisten == MAX_LISTEN) return usage();
        else addrs[nlisten++] = a;
    }
    if (!nlisten || port <= 0 || port > 65535 || upstream_port <= 0 || upstream_port > 65535) return usage();
    if (parse_addr(upstream, upstream_port, &g.upstream, &g.upstream_len) < 0) {
        fprintf(stderr, "wan: upstream must be an IP address, not '%s'\n", upstream);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    g.ep = epoll_create1(EPOLL_CLOEXEC);
    g.timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (g.ep < 0 || g.timer < 0) { perror("wan: epoll/timerfd"); return 1; }
    /* Listening sockets and the timer carry small integers; legs carry pointers (never that small). */
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 1};
    epoll_ctl(g.ep, EPOLL_CTL_ADD, g.timer, &ev);
    int lfds[MAX_LISTEN];
    for (int i = 0; i < nlisten; i++) {
        struct sockaddr_storage ss;
        socklen_t len;
        if (parse_addr(addrs[i], port, &ss, &len) < 0) {
            fprintf(stderr, "wan: not an IP address: '%s'\n", addrs[i]);
            return 2;
        }
        int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (ss.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 512) < 0) {
            fprintf(stderr, "wan: cannot listen on %s port %d: %s\n", addrs[i], port, strerror(errno));
            return 1;
        }
        lfds[i] = fd;
        ev.data.u64 = 2 + (uint64_t)i;
        epoll_ctl(g.ep, EPOLL_CTL_ADD, fd, &ev);
    }
    printf("wan: [");
    for (int i = 0; i < nlisten; i++) printf("%s'%s'", i ? ", " : "", addrs[i]);
    printf("] port %d -> %s:%d, one-way delay %.0f ms\n", port, upstream, upstream_port, read_delay() / 1e6);
    fflush(stdout);

    struct epoll_event events[64];
    for (;;) {
        int n = epoll_wait(g.ep, events, 64, -1);
        if (n < 0 && errno != EINTR) { perror("wan: epoll_wait"); return 1; }
        for (int k = 0; k < n; k++) {
            uint64_t tag = events[k].data.u64;
            if (tag == 1) {
                uint64_t expirations;
                if (read(g.timer, &expirations, sizeof expirations) < 0) { /* spurious wake-up */ }
            } else if (tag < 2 + MAX_LISTEN) {
                for (int a = 0; a < 64 && accept_one(lfds[tag - 2]); a++) { /* up to 64 per wake-up */ }
            } else {
                on_event((struct leg *)events[k].data.ptr, events[k].events);
            }
        }
        service();
    }
}
