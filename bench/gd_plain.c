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
    double t0 = now_seconds();
    for (long s = 0; s < steps; s++) {
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
    double th[4] = {w[0], w[1], v[0], v[1]};
    print_result("c-plain", steps, now_seconds() - t0, th);
    return 0;
}
