/*
 * udpgen: paced small-packet UDP generator for scripts/bench-e2e (the small-packet forwarding rate).
 *
 *   udpgen DST_IPV4 DST_PORT RATE_PPS SECONDS [FLOWS] [PAYLOAD_BYTES]
 *
 * Sends UDP datagrams of PAYLOAD_BYTES (default 18: a 60-byte Ethernet frame, 64 on the wire with the FCS)
 * from FLOWS sockets (default 16; each its own source port, so FLOWS NAT mappings), round robin, in batches of
 * 32 with sendmmsg(2), paced against CLOCK_MONOTONIC (the schedule is per batch: no drift, no catch-up burst
 * larger than one batch). RATE_PPS 0 = as fast as it can (its own limit). Bounded: stops after SECONDS.
 * Prints one line: "sent N elapsed S rate R errors E" (datagrams the kernel accepted; send errors such as
 * ENOBUFS are counted, not retried).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32
#define MAXFLOWS 1024

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: udpgen DST_IPV4 DST_PORT RATE_PPS SECONDS [FLOWS] [PAYLOAD_BYTES]\n");
        return 2;
    }
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
        fprintf(stderr, "udpgen: bad address %s\n", argv[1]);
        return 2;
    }
    double rate = atof(argv[3]), secs = atof(argv[4]);
    int flows = argc > 5 ? atoi(argv[5]) : 16;
    int len = argc > 6 ? atoi(argv[6]) : 18;
    if (flows < 1 || flows > MAXFLOWS || len < 1 || len > 1472 || secs <= 0 || secs > 600) {
        fprintf(stderr, "udpgen: flows 1-%d, payload 1-1472, seconds 0-600\n", MAXFLOWS);
        return 2;
    }
    int fds[MAXFLOWS];
    for (int i = 0; i < flows; i++) {
        fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
        int sz = 4 << 20;
        setsockopt(fds[i], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
        if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&dst, sizeof dst) != 0) {
            perror("udpgen: socket/connect");
            return 1;
        }
    }
    char payload[1500];
    memset(payload, 'x', sizeof payload);
    struct iovec iov = {.iov_base = payload, .iov_len = (size_t)len};
    struct mmsghdr msgs[BATCH];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BATCH; i++) {
        msgs[i].msg_hdr.msg_iov = &iov;
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    long sent = 0, errors = 0, batches = 0;
    double t0 = now(), end = t0 + secs, t = t0;
    int f = 0;
    while (t < end) {
        if (rate > 0) {
            double due = t0 + (double)batches * BATCH / rate;
            while ((t = now()) < due) {
                double d = due - t;
                if (d > 200e-6) {
                    struct timespec s = {0, (long)((d - 100e-6) * 1e9)};
                    nanosleep(&s, NULL);
                }
            }
        }
        int n = sendmmsg(fds[f], msgs, BATCH, 0);
        if (n < 0) {
            errors += BATCH;
        } else {
            sent += n;
            errors += BATCH - n;
        }
        batches++;
        f = (f + 1) % flows;
        t = now();
    }
    double el = now() - t0;
    printf("sent %ld elapsed %.3f rate %.0f errors %ld\n", sent, el, sent / el, errors);
    return 0;
}
