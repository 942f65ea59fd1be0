/* Shared by gd_plain.c and gd_tuned.c: reading `x y` data, the paper's start, timing, output. */
#ifndef GD_COMMON_H
#define GD_COMMON_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Process CPU time: on a shared, busy machine it excludes the time other processes hold the core. */
static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Reads `x y` lines ('#' starts a comment); returns n, exits on malformed input. */
static int read_data(const char *path, double **xs, double **ys) {
    FILE *f = fopen(path, "r");
    if (!f) { fprintf(stderr, "cannot open %s\n", path); exit(2); }
    int n = 0, cap = 128;
    *xs = malloc(cap * sizeof(double));
    *ys = malloc(cap * sizeof(double));
    char line[512];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        double x, y;
        char extra;
        int got = sscanf(line, " %lf %lf %c", &x, &y, &extra);
        if (got == EOF || got == 0) { char dummy; if (sscanf(line, " %c", &dummy) != 1) continue; }
        if (got != 2) { fprintf(stderr, "%s:%d: expected `x y`\n", path, lineno); exit(2); }
        if (n == cap) { cap *= 2; *xs = realloc(*xs, cap * sizeof(double)); *ys = realloc(*ys, cap * sizeof(double)); }
        (*xs)[n] = x; (*ys)[n] = y; n++;
    }
    fclose(f);
    if (n == 0) { fprintf(stderr, "%s: no data\n", path); exit(2); }
    return n;
}

static void parse_args(int argc, char **argv, const char **path, long *steps, double *eta) {
    if (argc != 4) { fprintf(stderr, "usage: %s DATA STEPS ETA\n", argv[0]); exit(2); }
    *path = argv[1];
    *steps = atol(argv[2]);
    *eta = atof(argv[3]);
    if (*steps < 1 || !(*eta > 0)) { fprintf(stderr, "need STEPS >= 1 and ETA > 0\n"); exit(2); }
}

/* Steps per timing window; the fastest full window is reported (filters out intervals when
 * another job held the core on a shared machine). Same as bench-gd's --timing-window. */
#define WINDOW 100000L

static void print_result(const char *impl, long steps, double seconds_per_step, const double th[4]) {
    printf("RESULT impl=%s steps=%ld ns_per_step=%.1f theta=%.17g,%.17g,%.17g,%.17g\n",
           impl, steps, seconds_per_step * 1e9, th[0], th[1], th[2], th[3]);
}
#endif
