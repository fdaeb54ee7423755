//! What the modpost-rs integration tests share beyond kpaths::testkit: the binary, the C
//! oracle's modpost, compiling the project's C fixtures, and byte patches of ELF64 inputs.
#![allow(dead_code)] // each test binary uses a different part

use std::path::Path;
use std::path::PathBuf;
use std::process::Command;

pub use kpaths::testkit::*;

/// The O= build directory of the C oracle.
pub fn build_dir() -> PathBuf {
    oracle().build
}

/// The modpost command line Kbuild ran, from the V=1 build log.
pub fn kbuild_modpost_args(log: &Path) -> Vec<String> {
    kbuild_command(log, "scripts/mod/modpost")
}

pub fn modpost_rs() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_modpost-rs"))
}

/// The project's own C fixtures: `<repo>/testdata/modpost`.
pub fn modpost_testdata() -> PathBuf {
    testdata("modpost")
}

/// The C modpost of the fixture build; a missing oracle fails the test with a clear message.
pub fn c_modpost() -> PathBuf {
    let p = build_dir().join("scripts/mod/modpost");
    assert!(
        p.is_file(),
        "the C oracle {} is missing: run `bash kbuild/kernel.sh build oracle`",
        p.display()
    );
    p
}

/// Compile (or assemble) `src` into `out` with `cc -c`, kernel-style flags and the fixtures'
/// include directory; the test fails with the compiler's message if that does not work.
pub fn compile_with(cc: &str, src: &Path, out: &Path, extra: &[&str]) {
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("create object directory");
    }
    let output = Command::new(cc)
        .args([
            "-c",
            "-O2",
            "-fno-pic",
            "-fno-asynchronous-unwind-tables",
            "-fno-stack-protector",
            "-fno-common",
        ])
        .arg("-I")
        .arg(modpost_testdata().join("include"))
        .args(extra)
        .arg(src)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap_or_else(|e| panic!("run {cc}: {e}"));
    assert!(
        output.status.success(),
        "{cc} -c {} failed:\n{}",
        src.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `compile_with("gcc", ...)`.
pub fn compile(src: &Path, out: &Path, extra: &[&str]) {
    compile_with("gcc", src, out, extra)
}

/// One section header of an ELF64 file, for byte-patching test inputs.
#[derive(Debug, Clone)]
pub struct Elf64Section {
    /// Section index.
    pub index: usize,
    /// File offset of this section header.
    pub header_offset: usize,
    /// Name from the section-name string table.
    pub name: String,
    /// `sh_type`.
    pub sh_type: u32,
    /// `sh_offset`.
    pub sh_offset: u64,
    /// `sh_size`.
    pub sh_size: u64,
    /// `sh_link`.
    pub sh_link: u32,
    /// `sh_info`.
    pub sh_info: u32,
}

/// The section headers of a well-formed ELF64 object (test inputs only), read with kpaths.
pub fn elf64_sections(d: &[u8]) -> Vec<Elf64Section> {
    let file = kpaths::elf::ElfFile::parse(d).expect("a well-formed ELF test input");
    assert!(file.is_64, "not ELF64");
    file.sections
        .iter()
        .enumerate()
        .map(|(i, h)| Elf64Section {
            index: i,
            header_offset: file.e_shoff as usize + i * 64,
            name: String::from_utf8_lossy(file.section_name(object::SectionIndex(i)).unwrap())
                .into_owned(),
            sh_type: h.sh_type.0,
            sh_offset: h.sh_offset,
            sh_size: h.sh_size,
            sh_link: h.sh_link,
            sh_info: h.sh_info,
        })
        .collect()
}

/// The section called `name` (panics if there is none: the fixture is wrong).
pub fn elf64_section(d: &[u8], name: &str) -> Elf64Section {
    elf64_sections(d)
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no section {name} in the test object"))
}

/// Little-endian stores for byte patches.
pub fn put_u16(d: &mut [u8], off: usize, v: u16) {
    d[off..off + 2].copy_from_slice(&v.to_le_bytes());
}

pub fn put_u32(d: &mut [u8], off: usize, v: u32) {
    d[off..off + 4].copy_from_slice(&v.to_le_bytes());
}

pub fn put_u64(d: &mut [u8], off: usize, v: u64) {
    d[off..off + 8].copy_from_slice(&v.to_le_bytes());
}

/// Copies the oracle's external test module (`make M=`, kbuild/fixture/kotest) to `kdir`,
/// pointing the absolute paths in its `.cmd`, `.mod` and `modules.order` files at the copy,
/// and returns the modpost arguments Kbuild used for it, rewritten the same way. The command
/// runs in the kernel build directory (`oracle().build`) and writes into `kdir`.
pub fn copy_external_module(kdir: &Path) -> Vec<String> {
    let fx = oracle();
    std::fs::create_dir_all(kdir).expect("create the module directory");
    let orig = fx.kotest();
    let orig_s = orig.to_string_lossy().into_owned();
    let kdir_s = kdir.to_string_lossy().into_owned();
    for entry in std::fs::read_dir(&orig).expect("the kotest directory") {
        let e = entry.expect("read_dir");
        let name = e.file_name().to_string_lossy().into_owned();
        let data = std::fs::read(e.path()).expect("read a kotest file");
        let data = if name.ends_with(".cmd") || name.ends_with(".mod") || name == "modules.order" {
            String::from_utf8_lossy(&data)
                .replace(&orig_s, &kdir_s)
                .into_bytes()
        } else {
            data
        };
        std::fs::write(kdir.join(&name), data).expect("write the kotest copy");
    }
    let cmd = std::fs::read_to_string(fx.logs.join("extmod-modpost-command.txt"))
        .expect("extmod-modpost-command.txt of the oracle build");
    cmd.replace(&orig_s, &kdir_s)
        .split_whitespace()
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// The outputs of Kbuild's in-tree modpost run, relative to the build directory:
/// `Module.symvers`, `.vmlinux.export.c` and one `*.mod.c` per module.
pub fn in_tree_outputs(tree: &Path) -> Vec<String> {
    let order = std::fs::read_to_string(tree.join("modules.order")).expect("modules.order");
    let mut outs = vec![
        "Module.symvers".to_string(),
        ".vmlinux.export.c".to_string(),
    ];
    outs.extend(
        order
            .lines()
            .map(|l| format!("{}.mod.c", l.trim_end_matches(".o"))),
    );
    outs
}

/// The `.ko` files of a build tree, from its `modules.order`.
pub fn modules_of(tree: &Path) -> Vec<String> {
    let order = std::fs::read_to_string(tree.join("modules.order")).expect("modules.order");
    order
        .lines()
        .map(|l| format!("{}.ko", l.trim_end_matches(".o")))
        .collect()
}

/// The `modpost-rs manifest` commands Kbuild ran after each `ar` of the paths kernel (from the
/// archives' `.cmd` files), deepest archive first: (the manifest written, the arguments after
/// `manifest`).
pub fn manifest_commands(build: &Path) -> Vec<(String, Vec<String>)> {
    let mut cmds = Vec::new();
    let mut stack = vec![build.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let e = entry.unwrap();
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() {
                stack.push(path);
            } else if name.starts_with('.') && name.ends_with(".a.cmd") {
                let text = std::fs::read_to_string(&path).unwrap();
                let Some((_, rest)) = text.split_once(" manifest ") else {
                    continue;
                };
                let line = rest.lines().next().unwrap();
                let args: Vec<String> = line
                    .split(';')
                    .next()
                    .unwrap()
                    .split_whitespace()
                    .map(str::to_string)
                    .collect();
                cmds.push((format!("{}.manifest", args[0]), args));
            }
        }
    }
    // Children before parents, as make runs them: a parent reads its sub-archives' manifests.
    cmds.sort_by_key(|(m, _)| (std::cmp::Reverse(m.matches('/').count()), m.clone()));
    assert!(
        cmds.len() > 100,
        "only {} manifest commands in the .cmd files of {}",
        cmds.len(),
        build.display()
    );
    cmds
}

/// `ko-paths --srctree SRC --objtree . MODULES...` for a copy of `kernel`'s build tree (run
/// in it), as Makefile.modfinal runs it with every module at once.
pub fn ko_paths_args(kernel: &Kernel, modules: &[String]) -> Vec<String> {
    let mut args = vec![
        "ko-paths".to_string(),
        "--srctree".into(),
        kernel.src.display().to_string(),
        "--objtree".into(),
        ".".into(),
    ];
    args.extend(modules.iter().cloned());
    args
}

/// `modpost-rs args...` to run in `cwd`.
pub fn modpost_rs_command(args: &[String], cwd: &Path) -> Command {
    let mut c = Command::new(modpost_rs());
    c.args(args).current_dir(cwd);
    c
}

/// The bytes of each of `rels` under `root`, by relative path.
pub fn read_files(root: &Path, rels: &[String]) -> std::collections::BTreeMap<String, Vec<u8>> {
    rels.iter()
        .map(|r| {
            let path = root.join(r);
            let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (r.clone(), data)
        })
        .collect()
}
