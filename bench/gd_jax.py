"""Full-batch GD for the m = 2 tanh network in JAX: jit + lax.scan (unroll 8), float64, CPU.

Usage: gd_jax.py DATA STEPS ETA -> one RESULT line; prints "skipped: jax not installed" and exits
0 when JAX is missing. The compile run is excluded from the timing, which is wall-clock time
(JAX may use several threads, so process CPU time would overstate it).
"""
import sys
import time

try:
    import jax
except ImportError:
    print("skipped: jax not installed")
    sys.exit(0)

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: gd_jax.py DATA STEPS ETA")
    data = np.loadtxt(sys.argv[1], comments="#", ndmin=2)
    steps, eta = int(sys.argv[2]), float(sys.argv[3])
    x, y = jnp.asarray(data[:, 0]), jnp.asarray(data[:, 1])
    n = x.shape[0]

    def step(theta, _):
        w, v = theta[:2], theta[2:]
        t = jnp.tanh(jnp.outer(x, w))
        r = t @ v - y
        gw = (2.0 / n) * v * ((r * x) @ (1.0 - t * t))
        gv = (2.0 / n) * (r @ t)
        return jnp.concatenate([w - eta * gw, v - eta * gv]), None

    @jax.jit
    def run(theta):
        return jax.lax.scan(step, theta, None, length=steps, unroll=8)[0]

    theta0 = jnp.array([-0.13, 0.13, 0.16, -0.15])
    run(theta0).block_until_ready()  # compile
    start = time.perf_counter()
    theta = run(theta0).block_until_ready()
    elapsed = time.perf_counter() - start
    text = ",".join(f"{float(c):.17g}" for c in theta)
    print(f"RESULT impl=jax steps={steps} ns_per_step={elapsed / steps * 1e9:.1f} theta={text}")


if __name__ == "__main__":
    main()
