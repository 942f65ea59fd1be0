/* Full-batch GD for f(x) = v1 tanh(w1 x) + v2 tanh(w2 x), E = (1/n) sum (f - y)^2:
 * the straightforward loops, libm tanh (same formulas as TrainingError.gradient).
 * Usage: gd_plain DATA STEPS ETA -> one RESULT line. */
#include <math.h>
#include "gd_common.h"

int main(int argc, char **argv) {
    const char *path; long steps; double eta;
    parse_args(argc, argv, &path, &steps, &eta);
    double *x, *y;
    int n = read_data(path, &x, &y);
    double w[2] = {-0.13, 0.13}, v[2] = {0.16, -0.15};
    double best = 1e300, window_start = now_seconds();
    for (long s = 0; s < steps; s++) {
        if (s > 0 && s % WINDOW == 0) { double t = now_seconds(); if (t - window_start < best) best = t - window_start; window_start = t; }
        double g[4] = {0, 0, 0, 0};
        for (int k = 0; k < n; k++) {
            double t[2], f = 0;
            for (int i = 0; i < 2; i++) { t[i] = tanh(w[i] * x[k]); f += v[i] * t[i]; }
            double r = f - y[k];
            for (int i = 0; i < 2; i++) {
                g[i] += r * v[i] * (1 - t[i] * t[i]) * x[k];
                g[2 + i] += r * t[i];
            }
        }
        double scale = 2.0 / n;
        for (int i = 0; i < 2; i++) { w[i] -= eta * g[i] * scale; v[i] -= eta * g[2 + i] * scale; }
    }
    double end = now_seconds();
    if (steps % WINDOW == 0 && end - window_start < best) best = end - window_start;
    double th[4] = {w[0], w[1], v[0], v[1]};
    print_result("c-plain", steps, steps >= WINDOW ? best / WINDOW : (end - window_start) / steps, th);
    return 0;
}
