//! `CK_AUDIT_TIMINGS=1`: per-phase wall and CPU time of `consentkit audit`
//! on stderr (BENCHMARKS.md, "Audit of the demo bundle"). CPU time is read
//! from `/proc` (Linux; 10 ms ticks): the whole process's (all threads) and
//! the thread that started the audit's (its evaluating thread), whose work is the audit's serial part, and the
//! peak resident memory so far (`VmHWM`). Off (the
//! default), nothing is read or printed.

use std::sync::Mutex;
use std::time::Instant;

/// Phase marks, when timings are on.
pub struct Timings {
    on: bool,
    start: Instant,
    last: Mutex<Option<Mark>>,
    /// The `/proc` stat file of the thread that made the marks (the
    /// audit's evaluating thread), whichever thread ends a phase.
    main: String,
}

#[derive(Clone, Copy)]
struct Mark {
    wall: Instant,
    cpu: f64,
    thread: f64,
}

/// Seconds of CPU time (user + system) in a `/proc/…/stat` file, or 0.
fn stat_cpu(path: &str) -> f64 {
    let Ok(s) = std::fs::read_to_string(path) else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces), from field 3 on.
    let Some(rest) = s.rfind(')').and_then(|i| s.get(i + 2..)) else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 (11 and 12 here), in 1/100 s.
    (ticks(11) + ticks(12)) / 100.0
}

/// The calling thread's `/proc` stat file, by its thread id (a phase may
/// end on another thread: the audit's progress callback runs on its
/// reading thread).
fn main_thread_stat() -> String {
    std::fs::read_link("/proc/thread-self")
        .ok()
        .and_then(|p| p.file_name().map(|t| t.to_string_lossy().into_owned()))
        .map_or_else(
            || "/proc/thread-self/stat".to_owned(),
            |tid| format!("/proc/self/task/{tid}/stat"),
        )
}

/// The process's peak resident memory so far (`VmHWM`), in MiB, or 0.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

impl Timings {
    /// From `CK_AUDIT_TIMINGS` (on if set to anything but `0` or empty).
    pub fn from_env() -> Timings {
        let on = std::env::var("CK_AUDIT_TIMINGS").is_ok_and(|v| !v.is_empty() && v != "0");
        Timings::new(on)
    }

    /// Timings on or off, marked from the calling thread.
    fn new(on: bool) -> Timings {
        let t = Timings {
            on,
            start: Instant::now(),
            last: Mutex::new(None),
            main: main_thread_stat(),
        };
        if on {
            if let Ok(mut l) = t.last.lock() {
                *l = Some(t.now());
            }
        }
        t
    }

    fn now(&self) -> Mark {
        Mark {
            wall: Instant::now(),
            cpu: stat_cpu("/proc/self/stat"),
            thread: stat_cpu(&self.main),
        }
    }

    /// Ends a phase: prints its wall time, the process's CPU time over it
    /// and the calling thread's.
    pub fn phase(&self, name: &str) {
        if !self.on {
            return;
        }
        let now = self.now();
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        if let Some(p) = *last {
            let wall = now.wall.duration_since(p.wall).as_secs_f64();
            let cpu = now.cpu - p.cpu;
            eprintln!(
                "timing {name:<12} wall {wall:7.3} s  cpu {cpu:7.2} s  main thread {:7.2} s  cpu/wall {:4.2}  peak {:6.1} MiB  (at {:.3} s)",
                now.thread - p.thread,
                if wall > 0.0 { cpu / wall } else { 0.0 },
                peak_mib(),
                now.wall.duration_since(self.start).as_secs_f64()
            );
        }
        *last = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_thread_is_the_one_that_started_the_timings() {
        let t = Timings::new(true);
        // This thread's own stat file, by its id.
        assert_eq!(t.main, main_thread_stat());
        assert!(t.main.starts_with("/proc/self/task/"), "{}", t.main);
        // A phase ended on another thread (the audit's reading thread
        // calls the progress callback) still reads this thread's file.
        let other = std::thread::scope(|s| s.spawn(main_thread_stat).join().ok());
        assert_ne!(other.as_deref(), Some(t.main.as_str()));
        std::thread::scope(|s| {
            s.spawn(|| t.phase("elsewhere"));
        });
    }
}
