/* Full-batch GD for the m = 2 tanh network, hand-written AVX-512: the Swift kernel's arithmetic
 * (Sources/MLPNumerics/GradientDescentKernel.swift and TanhSIMD.swift) operation for operation,
 * so the two end at the same θ to the last bit and their times compare the compilers' code:
 * one fused pass per step over the data padded to a multiple of 8 (x = y = 0, y stored negated),
 * tanh z = (S e + S - 1) / (S e + S + 1), e = expm1(2s) = 2s + s^2 P(s) (Estrin), S = 2^m, the
 * clamp to ±20 and the sum of r^2 only on steps that need them, pairwise horizontal sums.
 * Build with -ffp-contract=off (the scalar update must not be fused, as in Swift).
 * Usage: gd_tuned DATA STEPS ETA -> one RESULT line. Needs -mavx512f (e.g. -march=native). */
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include "gd_common.h"

static inline __m512d set1(double c) { return _mm512_set1_pd(c); }

static inline __m512d tanh8(__m512d z, int clamp) {
    if (clamp) z = _mm512_min_pd(set1(20), _mm512_max_pd(set1(-20), z));  /* NaN stays NaN */
    const __m512d shifter = set1(0x1.8p52);
    __m512d kd = _mm512_fmadd_pd(z, set1(2.8853900817779268), shifter);
    __m512d m = _mm512_sub_pd(kd, shifter);
    __m512d s = _mm512_fmadd_pd(m, set1(-0.34657359027997264), z);
    __m512d s2 = _mm512_mul_pd(s, s), s4 = _mm512_mul_pd(s2, s2);
    __m512d c34 = _mm512_fmadd_pd(set1(0.6666666666659193), s, set1(1.3333333333333282));
    __m512d c56 = _mm512_fmadd_pd(set1(0.08888888909132169), s, set1(0.2666666666684288));
    __m512d c78 = _mm512_fmadd_pd(set1(0.006349188181216414), s, set1(0.02539682522796374));
    __m512d c911 = _mm512_fmadd_pd(_mm512_fmadd_pd(set1(5.129407415057573e-05), s, set1(2.828516766467738e-04)),
                                   s, set1(0.0014109401612721693));
    __m512d high = _mm512_fmadd_pd(_mm512_fmadd_pd(c911, s2, c78), s4, _mm512_fmadd_pd(c56, s2, c34));
    __m512d p = _mm512_fmadd_pd(s, high, set1(2));
    __m512d minus_square = _mm512_fnmadd_pd(s2, p, _mm512_setzero_pd());
    __m512d e = _mm512_fmsub_pd(set1(2), s, minus_square);
    __m512i scale_bits = _mm512_add_epi64(_mm512_slli_epi64(_mm512_castpd_si512(kd), 52), _mm512_set1_epi64(1023LL << 52));
    __m512d scale = _mm512_castsi512_pd(scale_bits);
    __m512d num = _mm512_fmsub_pd(scale, e, _mm512_sub_pd(set1(1), scale));
    __m512d den = _mm512_fmadd_pd(scale, e, _mm512_add_pd(scale, set1(1)));
    return _mm512_div_pd(num, den);
}

/* ((a0+a4)+(a2+a6)) + ((a1+a5)+(a3+a7)): halves, then quarters, then the pair, as in Swift. */
static inline double pairwise_sum(__m512d a) {
    __m256d four = _mm256_add_pd(_mm512_castpd512_pd256(a), _mm512_extractf64x4_pd(a, 1));
    __m128d two = _mm_add_pd(_mm256_castpd256_pd128(four), _mm256_extractf128_pd(four, 1));
    return _mm_cvtsd_f64(two) + _mm_cvtsd_f64(_mm_unpackhi_pd(two, two));
}

struct sums { double w1, w2, v1, v2, squares; };

static inline __attribute__((always_inline)) struct sums fused_sums(const double *x, const double *neg_y, int blocks,
                                                                    double w1, double w2, double v1, double v2, int safe) {
    __m512d w1v = set1(w1), w2v = set1(w2), v1v = set1(v1), v2v = set1(v2), one = set1(1);
    __m512d aw1 = _mm512_setzero_pd(), aw2 = aw1, av1 = aw1, av2 = aw1, ar = aw1;
    for (int b = 0; b < blocks; b++) {
        __m512d xv = _mm512_load_pd(x + 8 * b);
        __m512d t1 = tanh8(_mm512_mul_pd(w1v, xv), safe);
        __m512d t2 = tanh8(_mm512_mul_pd(w2v, xv), safe);
        __m512d r = _mm512_fmadd_pd(v2v, t2, _mm512_fmadd_pd(v1v, t1, _mm512_load_pd(neg_y + 8 * b)));
        __m512d rx = _mm512_mul_pd(r, xv);
        av1 = _mm512_fmadd_pd(r, t1, av1);
        av2 = _mm512_fmadd_pd(r, t2, av2);
        aw1 = _mm512_fmadd_pd(rx, _mm512_fnmadd_pd(t1, t1, one), aw1);
        aw2 = _mm512_fmadd_pd(rx, _mm512_fnmadd_pd(t2, t2, one), aw2);
        if (safe) ar = _mm512_fmadd_pd(r, r, ar);
    }
    struct sums s = {pairwise_sum(aw1), pairwise_sum(aw2), pairwise_sum(av1), pairwise_sum(av2), safe ? pairwise_sum(ar) : 0};
    return s;
}

int main(int argc, char **argv) {
    const char *path; long steps; double eta;
    parse_args(argc, argv, &path, &steps, &eta);
    double *x0, *y0;
    int n = read_data(path, &x0, &y0);
    int blocks = (n + 7) / 8;
    double *x = aligned_alloc(64, (size_t)blocks * 64), *neg_y = aligned_alloc(64, (size_t)blocks * 64);
    double max_x = 0, max_y = 0;
    for (int k = 0; k < 8 * blocks; k++) {
        x[k] = k < n ? x0[k] : 0;
        neg_y[k] = k < n ? -y0[k] : 0;
        if (fabs(x[k]) > max_x) max_x = fabs(x[k]);
        if (fabs(neg_y[k]) > max_y) max_y = fabs(neg_y[k]);
    }
    /* Σ|v_i| + max|y| below sqrt(max double / (2 n_padded)) / 2 keeps E_tr finite (as in Swift). */
    double loss_bound = sqrt(1.7976931348623157e308 / (8.0 * blocks)) * 0.5 - max_y;
    double w1 = -0.13, w2 = 0.13, v1 = 0.16, v2 = -0.15;
    const double scale = 2.0 / n;
    double start = now_seconds();
    for (long step = 0; step < steps; step++) {
        struct sums s;
        if (fabs(w1) * max_x <= 20 && fabs(w2) * max_x <= 20 && fabs(v1) + fabs(v2) <= loss_bound)
            s = fused_sums(x, neg_y, blocks, w1, w2, v1, v2, 0);
        else
            s = fused_sums(x, neg_y, blocks, w1, w2, v1, v2, 1);
        double gw1 = v1 * s.w1 * scale, gw2 = v2 * s.w2 * scale;
        double gv1 = s.v1 * scale, gv2 = s.v2 * scale;
        w1 = w1 - eta * gw1;
        w2 = w2 - eta * gw2;
        v1 = v1 - eta * gv1;
        v2 = v2 - eta * gv2;
    }
    double th[4] = {w1, w2, v1, v2};
    print_result("c-tuned", steps, (now_seconds() - start) / steps, th);
    return 0;
}
