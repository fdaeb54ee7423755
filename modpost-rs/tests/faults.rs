//! Faults: what modpost-rs leaves behind when a run is killed or a write fails.
//!
//! * Killed (SIGKILL) at points spread over a whole run and right after the first output was
//!   replaced, every output of modpost
//!   (`Module.symvers`, `.vmlinux.export.c`, `*.mod.c`), of `ko-paths` (`*.ko`) and of `manifest`
//!   (`*.a.manifest`) is the old file or the new one, never a torn one; the next full run
//!   writes the right files.
//! * On a full file system (a small tmpfs) and in a read-only one, each tool fails with the
//!   file name and the system's message, exit status 1, leaves the earlier outputs as they
//!   were and no temporary file behind. modpost's message has C's `perror(fname)` form.
//!
//! The file-system cases mount a tmpfs, so they need root (`kbuild/test.sh` runs as root on CI).
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Kill points per tool: enough to land in every phase of a run.
const KILL_POINTS: u32 = 24;

const OLD: &[u8] = b"old contents, from an earlier build\n";

/// Replace `path` (possibly a hard link into a fixture) with a new file holding `data`.
fn replace(path: &Path, data: &[u8]) {
    let _ = std::fs::remove_file(path);
    std::fs::write(path, data).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// What a killed run left: how many outputs are still old and how many are new. Fails the test
/// for any other content.
fn old_or_new(
    what: &str,
    root: &Path,
    old: &BTreeMap<String, Vec<u8>>,
    new: &BTreeMap<String, Vec<u8>>,
) -> (usize, usize) {
    let (mut n_old, mut n_new) = (0, 0);
    for (rel, want) in new {
        let path = root.join(rel);
        let got =
            std::fs::read(&path).unwrap_or_else(|e| panic!("{what}: {}: {e}", path.display()));
        if &got == want {
            n_new += 1;
        } else if got == old[rel] {
            n_old += 1;
        } else {
            panic!(
                "{what}: {rel} is neither the old file nor the new one ({} bytes; old {}, new {})",
                got.len(),
                old[rel].len(),
                want.len()
            );
        }
    }
    (n_old, n_new)
}

/// Runs `command` (in a process group of its own, so a shell and its children die together)
/// and kills the group with SIGKILL after `delay`, or lets it finish if that comes first.
fn run_and_kill(command: &mut Command, delay: Duration) {
    let mut child = command
        .process_group(0)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn the tool");
    std::thread::sleep(delay);
    kill_group(child.id());
    child.wait().unwrap();
}

/// The inode of each output (0 for a missing one): a tool that writes through a new file and a
/// rename changes it.
fn inodes(root: &Path, outputs: &BTreeMap<String, Vec<u8>>) -> Vec<u64> {
    use std::os::unix::fs::MetadataExt;
    outputs
        .keys()
        .map(|r| std::fs::metadata(root.join(r)).map_or(0, |m| m.ino()))
        .collect()
}

/// Runs `command` like [`run_and_kill`], killing it `extra` after `ready()` first holds (polled
/// as fast as it can be), or letting it finish if that comes first.
fn run_and_kill_when(command: &mut Command, ready: impl Fn() -> bool, extra: Duration) {
    let mut child = command
        .process_group(0)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn the tool");
    while child.try_wait().unwrap().is_none() {
        if ready() {
            std::thread::sleep(extra);
            kill_group(child.id());
            break;
        }
    }
    child.wait().unwrap();
}

/// SIGKILL to the process group `pid` leads.
fn kill_group(pid: u32) {
    let pid = i32::try_from(pid).unwrap();
    // SAFETY: kill(2) on a process group this test created; no memory is involved.
    #[allow(unsafe_code)]
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
}

/// The kill loop: `reset()` puts the old outputs in place, `command()` makes them new. One full
/// run times it; then KILL_POINTS runs are killed at delays spread over that time, and six
/// more just after the first output is replaced. Every
/// output must be old or new after each; at least one kill must land mid-run (some outputs
/// old, some new), or the loop proved nothing. Then a full run must give the new outputs.
fn kill_loop(
    what: &str,
    root: &Path,
    old: &BTreeMap<String, Vec<u8>>,
    new: &BTreeMap<String, Vec<u8>>,
    reset: impl Fn(),
    command: impl Fn() -> Command,
) {
    reset();
    let start = Instant::now();
    let status = command().status().unwrap();
    let full = start.elapsed();
    assert!(status.success(), "{what}: the uninterrupted run failed");
    assert_eq!(
        old_or_new(what, root, old, new),
        (0, new.len()),
        "{what}: full run"
    );

    let kill_at = |delay: Duration| {
        reset();
        run_and_kill(&mut command(), delay);
        old_or_new(what, root, old, new)
    };
    let is_mid_run = |(n_old, n_new): (usize, usize)| n_old > 0 && n_new > 0;
    let mut mid_run = 0;
    for point in 0..KILL_POINTS {
        mid_run += usize::from(is_mid_run(kill_at(full * point / KILL_POINTS)));
    }
    // modpost writes everything in the last few percent of its run, which a timed sweep can
    // miss under load: also kill right after the first output has been replaced (its inode
    // changed), and a little later. Every one of these runs is checked like the others.
    for extra_us in [0, 0, 200, 500, 1000, 2000] {
        reset();
        let before = inodes(root, new);
        let replaced = || inodes(root, new) != before;
        run_and_kill_when(&mut command(), replaced, Duration::from_micros(extra_us));
        mid_run += usize::from(is_mid_run(old_or_new(what, root, old, new)));
    }
    eprintln!("{what}: {mid_run} kills over {full:?} landed mid-run");
    assert!(
        mid_run > 0,
        "{what}: no kill over {full:?} landed while outputs were being written"
    );
    let status = command().status().unwrap();
    assert!(status.success(), "{what}: the run after the kills failed");
    assert_eq!(
        old_or_new(what, root, old, new),
        (0, new.len()),
        "{what}: after the kills"
    );
}

#[test]
fn killed_modpost_leaves_old_or_new_outputs() {
    let fx = oracle();
    let scratch = Scratch::new("faults-kill-modpost");
    let tree = scratch.join("build");
    link_copy(&fx.build, &tree);
    let outs = in_tree_outputs(&tree);
    let new = read_files(&fx.build, &outs);
    let old: BTreeMap<String, Vec<u8>> = outs.iter().map(|r| (r.clone(), OLD.to_vec())).collect();
    let args = kbuild_modpost_args(&fx.logs.join("build-V1.log"));
    kill_loop(
        "modpost",
        &tree,
        &old,
        &new,
        || outs.iter().for_each(|r| replace(&tree.join(r), OLD)),
        || modpost_rs_command(&args, &tree),
    );
}

#[test]
fn killed_ko_paths_leaves_old_or_new_modules() {
    let fx = oracle();
    let scratch = Scratch::new("faults-kill-ko-paths");
    let tree = scratch.join("build");
    link_copy(&fx.build, &tree);
    let modules = modules_of(&tree);
    let old = read_files(&fx.build, &modules);
    let args = ko_paths_args(&fx, &modules);
    // The new modules: one run on a second copy.
    let reference = scratch.join("reference");
    link_copy(&fx.build, &reference);
    run_ok(&mut modpost_rs_command(&args, &reference));
    let new = read_files(&reference, &modules);
    kill_loop(
        "ko-paths",
        &tree,
        &old,
        &new,
        || {
            for m in &modules {
                let _ = std::fs::remove_file(tree.join(m));
                std::fs::hard_link(fx.build.join(m), tree.join(m)).unwrap();
            }
        },
        || modpost_rs_command(&args, &tree),
    );
}

#[test]
fn killed_manifest_runs_leave_old_or_new_manifests() {
    let fx = paths_kernel();
    let scratch = Scratch::new("faults-kill-manifest");
    let tree = scratch.join("build");
    link_copy(&fx.build, &tree);
    // Kbuild's manifest commands, all in one shell script, as a build runs them one by one.
    let mut script = String::new();
    let mut manifests = Vec::new();
    for (manifest, args) in manifest_commands(&fx.build) {
        script.push_str(&format!(
            "{} manifest --srctree {} {} || exit 1\n",
            modpost_rs().display(),
            fx.src.display(),
            args.join(" ")
        ));
        manifests.push(manifest);
    }
    std::fs::write(scratch.join("manifests.sh"), script).unwrap();
    let new = read_files(&fx.build, &manifests);
    let old: BTreeMap<String, Vec<u8>> = manifests
        .iter()
        .map(|r| (r.clone(), OLD.to_vec()))
        .collect();
    kill_loop(
        "manifest",
        &tree,
        &old,
        &new,
        || manifests.iter().for_each(|r| replace(&tree.join(r), OLD)),
        || {
            let mut c = Command::new("sh");
            c.arg(scratch.join("manifests.sh")).current_dir(&tree);
            c
        },
    );
}

/// A small tmpfs mounted for one test, unmounted on drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: PathBuf, bytes: u64) -> Tmpfs {
        std::fs::create_dir_all(&dir).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o"])
            .arg(format!("size={bytes}"))
            .arg("tmpfs")
            .arg(&dir)
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "mounting a tmpfs at {} failed: {}; the file-system fault tests need root \
             (run them as root, as kbuild/test.sh on CI does)",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(dir)
    }

    /// Fills the file system: a file grows until a write fails with ENOSPC.
    fn fill(&self) {
        use std::io::Write;
        let mut f = std::fs::File::create(self.0.join("filler")).unwrap();
        let chunk = vec![0u8; 4096];
        loop {
            match f.write_all(&chunk) {
                Ok(()) => {}
                Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => break,
                Err(e) => panic!("filling the tmpfs: {e}"),
            }
        }
    }

    fn remount_read_only(&self) {
        let st = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(st.success(), "remount {} read-only", self.0.display());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// How the file system of a case fails.
#[derive(Clone, Copy, Debug)]
enum Failure {
    Full,
    ReadOnly,
}

impl Failure {
    fn message(self) -> &'static str {
        match self {
            Failure::Full => "No space left on device",
            Failure::ReadOnly => "Read-only file system",
        }
    }

    /// `what` (a path subcommand) exited 1 with an error naming `file` and the system's message.
    fn assert_failed_on(self, what: &str, r: &Run, file: &Path) {
        assert_eq!(r.code, 1, "{what} {self:?}: stderr: {}", r.err());
        assert!(
            r.err().contains(&file.display().to_string()) && r.err().contains(self.message()),
            "{what} {self:?}: {}",
            r.err()
        );
    }

    fn apply(self, fs: &Tmpfs) {
        match self {
            Failure::Full => fs.fill(),
            Failure::ReadOnly => fs.remount_read_only(),
        }
    }
}

/// modpost for the external module, its directory on a tmpfs: a first run writes the outputs,
/// they are replaced by old ones, the file system fails, and a second run must fail cleanly.
fn modpost_on_failing_fs(failure: Failure) {
    let fx = oracle();
    let scratch = Scratch::new(&format!("faults-fs-modpost-{failure:?}"));
    let fs = Tmpfs::mount(scratch.join("mnt"), 16 << 20);
    let kdir = fs.0.join("kotest");
    let args = copy_external_module(&kdir);
    run_ok(
        Command::new(modpost_rs())
            .args(&args)
            .current_dir(&fx.build),
    );
    let outs = ["Module.symvers", "kotest.mod.c"];
    for o in outs {
        replace(&kdir.join(o), OLD);
    }
    failure.apply(&fs);
    let r = run(&modpost_rs(), &args, &fx.build);
    assert_eq!(r.code, 1, "{failure:?}: exit status; stderr: {}", r.err());
    let err = r.err();
    let named = outs
        .iter()
        .any(|o| err == format!("{}: {}\n", kdir.join(o).display(), failure.message()));
    assert!(
        named,
        "{failure:?}: stderr is not `<output>: {}`: {err}",
        failure.message()
    );
    for o in outs {
        assert_eq!(
            std::fs::read(kdir.join(o)).unwrap(),
            OLD,
            "{failure:?}: {o} changed"
        );
    }
    assert_eq!(
        leftover_temp_files(&kdir),
        Vec::<String>::new(),
        "{failure:?}"
    );
}

#[test]
fn modpost_on_a_full_file_system() {
    modpost_on_failing_fs(Failure::Full);
}

#[test]
fn modpost_on_a_read_only_file_system() {
    modpost_on_failing_fs(Failure::ReadOnly);
}

/// `ko-paths --from` (modules_install's refresh) on an installed copy on a tmpfs, and
/// `manifest -o` into it: each must fail naming its file, and leave it as it was.
fn path_tools_on_failing_fs(failure: Failure) {
    let fx = oracle();
    let scratch = Scratch::new(&format!("faults-fs-paths-{failure:?}"));
    let tree = scratch.join("build");
    link_copy(&fx.build, &tree);
    let module = modules_of(&tree).into_iter().next().unwrap();
    run_ok(&mut modpost_rs_command(
        &ko_paths_args(&fx, std::slice::from_ref(&module)),
        &tree,
    ));
    let fs = Tmpfs::mount(scratch.join("mnt"), 16 << 20);
    let installed = fs.0.join("installed.ko");
    let manifest = fs.0.join("built-in.a.manifest");
    std::fs::copy(fx.build.join(&module), &installed).unwrap();
    std::fs::write(&manifest, OLD).unwrap();
    let original = std::fs::read(&installed).unwrap();
    failure.apply(&fs);

    let r = run_cmd(
        Command::new(modpost_rs())
            .arg("ko-paths")
            .arg("--from")
            .arg(tree.join(&module))
            .arg(&installed),
    );
    failure.assert_failed_on("ko-paths", &r, &installed);
    assert!(
        std::fs::read(&installed).unwrap() == original,
        "ko-paths {failure:?}: the module changed"
    );

    let archive = fx.build.join("init/built-in.a");
    let r = run_cmd(
        Command::new(modpost_rs())
            .args(["manifest", "--srctree"])
            .arg(&fx.src)
            .arg("--objtree")
            .arg(&fx.build)
            .arg("-o")
            .arg(&manifest)
            .arg(&archive)
            .current_dir(&fx.build),
    );
    failure.assert_failed_on("manifest", &r, &manifest);
    assert_eq!(
        std::fs::read(&manifest).unwrap(),
        OLD,
        "manifest {failure:?}: changed"
    );
    assert_eq!(
        leftover_temp_files(&fs.0),
        Vec::<String>::new(),
        "{failure:?}"
    );
}

#[test]
fn path_tools_on_a_full_file_system() {
    path_tools_on_failing_fs(Failure::Full);
}

#[test]
fn path_tools_on_a_read_only_file_system() {
    path_tools_on_failing_fs(Failure::ReadOnly);
}
