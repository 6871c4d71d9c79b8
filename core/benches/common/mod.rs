//! The clock the benches measure with: wall time (criterion's default), or
//! CPU time when `CK_BENCH_CLOCK=cpu`, for machines shared with other work,
//! where wall time also counts the time other processes hold the cores.
//!
//! CPU time is read from /proc (Linux): a thread's from
//! `/proc/thread-self/schedstat` (nanoseconds, refreshed at each scheduler
//! tick, so each reading may lag by one tick: a zero-mean error that long
//! samples make small), a process's from `/proc/self/stat` (utime + stime,
//! in 10 ms ticks, every thread including finished ones).

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, SamplingMode, Throughput};

/// Whether `CK_BENCH_CLOCK=cpu` asks for CPU time.
pub fn cpu_clock() -> bool {
    std::env::var("CK_BENCH_CLOCK").is_ok_and(|v| v == "cpu")
}

/// Settings for CPU-time runs: few, long, equal samples, so that the
/// clock's granularity is small against each sample.
pub fn cpu_criterion(scope: Scope) -> Criterion<CpuTime> {
    Criterion::default()
        .with_measurement(CpuTime(scope))
        .sample_size(10)
        .configure_from_args()
}

/// The sampling mode to use with the chosen clock.
pub fn sampling(cpu: bool) -> SamplingMode {
    if cpu {
        SamplingMode::Flat
    } else {
        SamplingMode::Auto
    }
}

/// Whose CPU time is measured.
#[derive(Clone, Copy)]
pub enum Scope {
    /// The calling thread's (benchmarks that run on one thread).
    Thread,
    /// The whole process's, all threads (parallel benchmarks).
    Process,
}

/// CPU time in nanoseconds, read from /proc.
pub struct CpuTime(pub Scope);

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn thread_ns() -> Option<u64> {
    read("/proc/thread-self/schedstat")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn process_ns() -> Option<u64> {
    let s = read("/proc/self/stat")?;
    let rest = &s[s.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15; `rest` starts at field 3.
    let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(ticks * 10_000_000)
}

impl CpuTime {
    fn now(&self) -> u64 {
        match self.0 {
            Scope::Thread => thread_ns(),
            Scope::Process => process_ns(),
        }
        .expect("CPU time from /proc (CK_BENCH_CLOCK=cpu needs Linux)")
    }
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        self.now()
    }
    fn end(&self, i: u64) -> u64 {
        self.now().saturating_sub(i)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical < 1e3 {
            (1.0, "ns cpu")
        } else if typical < 1e6 {
            (1e-3, "µs cpu")
        } else if typical < 1e9 {
            (1e-6, "ms cpu")
        } else {
            (1e-9, "s cpu")
        };
        for v in values.iter_mut() {
            *v *= factor;
        }
        unit
    }

    fn scale_throughputs(&self, _typical: f64, t: &Throughput, values: &mut [f64]) -> &'static str {
        let n = match t {
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) | Throughput::Elements(n) => *n,
        };
        for v in values.iter_mut() {
            *v = n as f64 * 1e9 / *v;
        }
        "per cpu-second"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

/// Whether `CK_BENCH_PAIRED=1` asks for the paired comparison.
pub fn paired_mode() -> bool {
    std::env::var("CK_BENCH_PAIRED").is_ok_and(|v| v == "1")
}

/// CPU time per block in the paired comparison.
const BLOCK_NS: u64 = 100_000_000;
/// Rounds (A B B A) in the paired comparison.
const ROUNDS: usize = 15;

/// A note for the paired table's readers.
pub const PAIRED_HEADER: &str = "Paired comparison: per row, 15 rounds of A B B A blocks of ~100 ms thread CPU time each (A = consentkit, B = raw ring); times are medians of per-round CPU time per operation, ratio = B / A per round, shown as median [min-max].";

/// The result of [`paired`].
pub struct Paired {
    /// Median CPU microseconds per call of A.
    pub a_us: f64,
    /// Median CPU microseconds per call of B.
    pub b_us: f64,
    /// Per-round ratios time(B) / time(A), sorted.
    pub ratios: Vec<f64>,
}

impl Paired {
    /// "median [min-max]".
    pub fn ratio_text(&self) -> String {
        format!(
            "{:.3} [{:.3}-{:.3}]",
            median(&self.ratios),
            self.ratios.first().copied().unwrap_or(f64::NAN),
            self.ratios.last().copied().unwrap_or(f64::NAN)
        )
    }
}

fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// Calls `f` `n` times and returns the thread CPU nanoseconds spent.
fn block(f: &mut impl FnMut(), n: u64) -> u64 {
    let start = thread_ns().expect("CPU time from /proc");
    for _ in 0..n {
        f();
    }
    thread_ns()
        .expect("CPU time from /proc")
        .saturating_sub(start)
}

/// Calls per block so that one block takes about [`BLOCK_NS`] of this
/// thread's CPU time. Calibrated on thread CPU time, not wall time: on a
/// loaded machine a wall-clock calibration counts the time other processes
/// hold the core, makes blocks a fraction of [`BLOCK_NS`], and blocks that
/// short can read as no CPU time at all (the clock advances by scheduler
/// ticks), which gave ratios of 0 and `inf`. Batches double until one
/// takes at least 20 ms of CPU time.
fn calibrate(f: &mut impl FnMut()) -> u64 {
    let mut batch = 1u64;
    loop {
        let spent = block(f, batch);
        if spent >= 20_000_000 {
            let n = u128::from(BLOCK_NS) * u128::from(batch) / u128::from(spent);
            return u64::try_from(n).unwrap_or(u64::MAX).max(1);
        }
        batch *= 2;
    }
}

/// Compares the CPU time of `a` and `b` on this thread in alternating
/// blocks (A B B A per round), so that both run under the same load from
/// other processes; the thread CPU clock's lag of up to one scheduler tick
/// is small against ~100 ms blocks.
pub fn paired(mut a: impl FnMut(), mut b: impl FnMut()) -> Paired {
    let (na, nb) = (calibrate(&mut a), calibrate(&mut b));
    let (mut ta, mut tb, mut r) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let a1 = block(&mut a, na);
        let b1 = block(&mut b, nb);
        let b2 = block(&mut b, nb);
        let a2 = block(&mut a, na);
        let pa = (a1 + a2) as f64 / (2 * na) as f64;
        let pb = (b1 + b2) as f64 / (2 * nb) as f64;
        ta.push(pa / 1e3);
        tb.push(pb / 1e3);
        r.push(pb / pa);
    }
    Paired {
        a_us: median(&sorted(ta)),
        b_us: median(&sorted(tb)),
        ratios: sorted(r),
    }
}
