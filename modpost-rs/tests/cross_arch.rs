//! Cross-architecture objects, differential against a C modpost built for the same ELF class.
//!
//! The C tool's ELF class is fixed when it is compiled, so 32-bit objects are compared with
//! oracles built by `kbuild/build-oracle-modpost.sh` (cached under the cache root,
//! `oracle-modpost-<arch>-<source>/`); 64-bit objects use the fixture build's
//! modpost (endianness is chosen at run time in 6.12). The fixtures are compiled with the
//! Debian cross compilers (`apt-get install gcc-i686-linux-gnu gcc-arm-linux-gnueabi
//! gcc-mips-linux-gnu gcc-powerpc-linux-gnu gcc-aarch64-linux-gnu
//! gcc-mips64-linux-gnuabi64`); a missing compiler or oracle fails the test with a message
//! saying what to install.
//!
//! What this covers: REL addend decoding (i386 32/PC32/unknown, ARM ABS32/REL32/MOVW/MOVT/
//! CALL/JUMP24 and the Thumb-2 forms, MIPS 32/26/LO16 and the unknown HI16) as it shows in
//! the names and raw addresses of mismatch messages; 32-bit `.export_symbol` entries;
//! big-endian objects (MIPS, PowerPC, MIPS64 with its own r_info layout); the 32-bit
//! MODULE_NAME_LEN (60) and the `____versions` table of a 32-bit module.
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::path::Path;
use std::path::PathBuf;

/// One target: how to compile for it and which C oracle to compare with.
struct Target {
    /// Short name, also the oracle's cache name for 32-bit targets.
    name: &'static str,
    /// Cross compiler.
    cc: &'static str,
    /// Debian package that provides `cc`.
    package: &'static str,
    /// Target compiler flags.
    cflags: &'static [&'static str],
    /// `(kernel arch dir, extra flags)` for build-oracle-modpost.sh; `None`: the 64-bit
    /// fixture oracle.
    oracle: Option<(&'static str, &'static [&'static str])>,
}

const I386: Target = Target {
    name: "i386",
    cc: "i686-linux-gnu-gcc",
    package: "gcc-i686-linux-gnu",
    cflags: &[],
    oracle: Some(("x86", &["-m32", "-DCONFIG_X86_32=1"])),
};

const ARM: Target = Target {
    name: "arm",
    cc: "arm-linux-gnueabi-gcc",
    package: "gcc-arm-linux-gnueabi",
    cflags: &["-march=armv7-a", "-marm"],
    oracle: Some(("arm", &["-march=armv7-a"])),
};

const THUMB: Target = Target {
    name: "arm",
    cc: "arm-linux-gnueabi-gcc",
    package: "gcc-arm-linux-gnueabi",
    cflags: &["-march=armv7-a", "-mthumb"],
    oracle: Some(("arm", &["-march=armv7-a"])),
};

const MIPS: Target = Target {
    name: "mips",
    cc: "mips-linux-gnu-gcc",
    package: "gcc-mips-linux-gnu",
    cflags: &["-mno-abicalls", "-G0"],
    oracle: Some(("mips", &["-mno-abicalls", "-fno-pic", "-DCONFIG_32BIT=1"])),
};

const POWERPC: Target = Target {
    name: "powerpc",
    cc: "powerpc-linux-gnu-gcc",
    package: "gcc-powerpc-linux-gnu",
    cflags: &[],
    oracle: Some(("powerpc", &["-DCONFIG_PPC32=1"])),
};

const AARCH64: Target = Target {
    name: "aarch64",
    cc: "aarch64-linux-gnu-gcc",
    package: "gcc-aarch64-linux-gnu",
    cflags: &[],
    oracle: None,
};

const MIPS64: Target = Target {
    name: "mips64",
    cc: "mips64-linux-gnuabi64-gcc",
    package: "gcc-mips64-linux-gnuabi64",
    cflags: &["-mno-abicalls", "-G0"],
    oracle: None,
};

fn have(cmd: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {cmd} >/dev/null")])
        .status()
        .is_ok_and(|s| s.success())
}

impl Target {
    fn require_compiler(&self) {
        assert!(
            have(self.cc),
            "{} is not installed: apt-get install {}",
            self.cc,
            self.package
        );
    }

    /// The C modpost to compare with (built and cached on first use).
    fn oracle(&self) -> PathBuf {
        let Some((karch, flags)) = self.oracle else {
            return c_modpost();
        };
        let out = std::process::Command::new("bash")
            .arg(repo().join("kbuild/build-oracle-modpost.sh"))
            .args([self.name, self.cc, karch])
            .args(flags)
            .output()
            .expect("run kbuild/build-oracle-modpost.sh");
        assert!(
            out.status.success(),
            "could not build the {} C modpost oracle with kbuild/build-oracle-modpost.sh:\n{}",
            self.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        assert!(path.is_file(), "oracle {} missing", path.display());
        path
    }

    fn compile(&self, fixture: &str, out: &Path) {
        compile_with(self.cc, &modpost_testdata().join(fixture), out, self.cflags);
    }
}

/// Run the oracle and modpost-rs on copies of `src` and require identical behaviour.
/// Returns the C tool's stderr and the directory it ran in.
fn differential(
    oracle: &Path,
    scratch: &Path,
    src: &Path,
    tag: &str,
    args: &[&str],
) -> (String, PathBuf) {
    let c_dir = scratch.join(format!("c-{tag}"));
    let rs_dir = scratch.join(format!("rs-{tag}"));
    for d in [&c_dir, &rs_dir] {
        let st = std::process::Command::new("cp")
            .arg("-a")
            .arg(src)
            .arg(d)
            .status()
            .unwrap();
        assert!(st.success());
    }
    let c = run(oracle, args, &c_dir);
    let rs = run(&modpost_rs(), args, &rs_dir);
    let what = format!("[{tag}] modpost {}", args.join(" "));
    assert_same_outcome(&what, &c, &rs, &c_dir, &rs_dir);
    (String::from_utf8_lossy(&c.stderr).into_owned(), c_dir)
}

/// The whole cross check for one target.
fn check_target(t: &Target, tag: &str) {
    t.require_compiler();
    let oracle = t.oracle();
    let scratch = Scratch::new(&format!("cross-{tag}"));
    let src = scratch.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    t.compile("cross/refs.c", &src.join("refs.o"));
    t.compile("exports/provider.c", &src.join("provider.o"));
    t.compile("exports/consumer.c", &src.join("consumer.o"));
    let is_32 = std::fs::read(src.join("refs.o")).unwrap()[4] == 1;

    // Section mismatches through every relocation type of the target, exports, undefined.
    let (err, _) = differential(&oracle, scratch.path(), &src, "refs", &["-M", "refs.o"]);
    assert!(
        err.contains("refs: section mismatch in reference: data_refs+0x0 (section: .data) -> init_fn (section: .init.text)"),
        "{err}"
    );
    assert!(
        err.contains("(section: .init.anon)"),
        "no unnamed target: {err}"
    );
    assert!(
        err.contains("refs: cross_init_export: EXPORT_SYMBOL used for init symbol."),
        "{err}"
    );
    assert!(!err.contains("_restgpr_"), "{err}");

    // Whole runs with outputs: symvers, .mod.c files, namespaces, -E.
    differential(
        &oracle,
        scratch.path(),
        &src,
        "all",
        &[
            "-M",
            "-w",
            "-N",
            "-o",
            "Module.symvers",
            "refs.o",
            "provider.o",
            "consumer.o",
        ],
    );
    differential(
        &oracle,
        scratch.path(),
        &src,
        "werror",
        &["-M", "-E", "refs.o", "provider.o"],
    );

    // MODULE_NAME_LEN is 64 - sizeof(Elf_Addr): 60 on 32-bit, 56 on 64-bit.
    let limit = if is_32 { 60 } else { 56 };
    let ok = format!("{}.o", "a".repeat(limit - 1));
    let bad = format!("{}.o", "b".repeat(limit));
    std::fs::copy(src.join("provider.o"), src.join(&ok)).unwrap();
    std::fs::copy(src.join("provider.o"), src.join(&bad)).unwrap();
    let (err, _) = differential(&oracle, scratch.path(), &src, "name", &[&ok, &bad]);
    assert!(
        err.contains(&format!(
            "module name is too long [{}.ko]",
            "b".repeat(limit)
        )),
        "{err}"
    );
    assert!(!err.contains("aaaa.ko]"), "{err}");
    std::fs::remove_file(src.join(&ok)).unwrap();
    std::fs::remove_file(src.join(&bad)).unwrap();

    // -m: ____versions of a 32/64-bit module, CRCs from a symvers file; a symbol name of
    // MODULE_NAME_LEN characters or more ends the table.
    let long = format!("long_{}", "s".repeat(limit - 5));
    std::fs::write(
        src.join("vmlinux.symvers"),
        format!(
            "0x0000abcd\tcross_undefined\tvmlinux\tEXPORT_SYMBOL\t\n\
             0x00000001\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n\
             0x00000002\t{long}\tvmlinux\tEXPORT_SYMBOL\t\n"
        ),
    )
    .unwrap();
    for m in ["refs", "provider", "consumer"] {
        std::fs::write(src.join(format!("{m}.mod")), format!("{m}.o\n")).unwrap();
        std::fs::write(
            src.join(format!(".{m}.o.cmd")),
            format!("savedcmd_{m}.o := {} -c {m}.c\n", t.cc),
        )
        .unwrap();
    }
    let (err, dir) = differential(
        &oracle,
        scratch.path(),
        &src,
        "modversions",
        &[
            "-M",
            "-m",
            "-w",
            "-N",
            "-i",
            "vmlinux.symvers",
            "-o",
            "Module.symvers",
            "refs.o",
            "provider.o",
            "consumer.o",
        ],
    );
    let refs = std::fs::read_to_string(dir.join("refs.mod.c")).unwrap();
    assert!(
        refs.contains("\t{   0xabcd, \"cross_undefined\" },\n"),
        "{refs}"
    );
    assert!(
        err.contains("\"plain_func\" [consumer.ko] has no CRC!"),
        "{err}"
    );

    // A used symbol whose name is MODULE_NAME_LEN long ends the table with an error.
    std::fs::write(
        src.join("longuse.c"),
        format!("extern int {long}(void);\nint longuse(void) {{ return {long}(); }}\n\
                 static const char l[] __attribute__((used, section(\".modinfo\"))) = \"license=GPL\";\n"),
    )
    .unwrap();
    compile_with(
        t.cc,
        &src.join("longuse.c"),
        &src.join("longuse.o"),
        t.cflags,
    );
    std::fs::write(src.join("longuse.mod"), "longuse.o\n").unwrap();
    std::fs::write(src.join(".longuse.o.cmd"), "\n").unwrap();
    let (err, _) = differential(
        &oracle,
        scratch.path(),
        &src,
        "longsym",
        &["-m", "-i", "vmlinux.symvers", "longuse.o"],
    );
    assert!(
        err.contains(&format!("too long symbol \"{long}\" [longuse.ko]")),
        "{err}"
    );
}

#[test]
fn i386_rel_objects() {
    check_target(&I386, "i386");
}

#[test]
fn arm_rel_objects() {
    check_target(&ARM, "arm");
}

#[test]
fn arm_thumb_rel_objects() {
    check_target(&THUMB, "thumb");
}

#[test]
fn mips_big_endian_rel_objects() {
    check_target(&MIPS, "mips");
}

#[test]
fn powerpc_big_endian_rela_objects() {
    check_target(&POWERPC, "powerpc");
}

#[test]
fn aarch64_rela_objects() {
    check_target(&AARCH64, "aarch64");
}

#[test]
fn mips64_big_endian_rela_objects() {
    check_target(&MIPS64, "mips64");
}
