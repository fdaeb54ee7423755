//! Every modpost diagnostic, differential against the C tool.
//!
//! Each case compiles project-written fixtures from `testdata/modpost/` with gcc into a
//! scratch directory, copies that directory twice, runs the C modpost of the fixture build
//! in one copy and modpost-rs in the other with the same argv, and requires the same stderr
//! bytes, the same exit code and the same files afterwards (every output, byte for byte, and
//! no extra or missing file). Each case also checks that the diagnostic it is about really
//! fired in the C run, so a fixture that stops triggering it fails instead of passing
//! vacuously. docs/diagnostics.md maps diagnostics to cases.
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::path::Path;
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering;

/// A scratch directory holding the inputs of one case.
struct Case {
    scratch: Scratch,
    /// Where the inputs are prepared; each run works on a copy.
    src: PathBuf,
    /// Runs so far, to name the copies.
    runs: AtomicUsize,
}

/// What both tools did in one run.
struct Outcome {
    /// The C tool's run.
    c: Run,
    /// The C tool's directory after its run.
    c_dir: PathBuf,
    /// modpost-rs's directory after its run.
    rs_dir: PathBuf,
}

impl Case {
    fn new(tag: &str) -> Case {
        let scratch = Scratch::new(&format!("diag-{tag}"));
        let src = scratch.path().join("src");
        std::fs::create_dir_all(&src).expect("create case dir");
        Case {
            scratch,
            src,
            runs: AtomicUsize::new(0),
        }
    }

    /// Compile `testdata/modpost/<fixture>` to `<obj>` (relative to the case directory).
    fn cc(&self, fixture: &str, obj: &str) -> &Self {
        self.cc_flags(fixture, obj, &[])
    }

    fn cc_flags(&self, fixture: &str, obj: &str, flags: &[&str]) -> &Self {
        compile(
            &modpost_testdata().join(fixture),
            &self.src.join(obj),
            flags,
        );
        self
    }

    /// Write an input file (relative to the case directory).
    fn file(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Self {
        let p = self.src.join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).expect("create input directory");
        }
        std::fs::write(&p, contents).expect("write input file");
        self
    }

    /// Copy an already prepared input to another name.
    fn copy(&self, from: &str, to: &str) -> &Self {
        let data = std::fs::read(self.src.join(from)).expect("read input to copy");
        self.file(to, data)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.src.join(rel)
    }

    /// Run both tools with `args` in copies of the case directory and require identical
    /// behaviour.
    fn run(&self, args: &[&str]) -> Outcome {
        let n = self.runs.fetch_add(1, Ordering::Relaxed);
        let c_dir = self.scratch.path().join(format!("c{n}"));
        let rs_dir = self.scratch.path().join(format!("rs{n}"));
        for d in [&c_dir, &rs_dir] {
            copy_tree(&self.src, d);
        }
        let c = run_as_kbuild(&c_modpost(), args, &c_dir);
        let rs = run_as_kbuild(&modpost_rs(), args, &rs_dir);
        let what = format!("modpost {}", args.join(" "));
        assert_same_outcome(&what, &c, &rs, &c_dir, &rs_dir);
        let temps = leftover_temp_files(&rs_dir);
        assert!(temps.is_empty(), "{what}: temp files left: {temps:?}");
        Outcome { c, c_dir, rs_dir }
    }
}

impl Outcome {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.c.stderr).into_owned()
    }

    /// The C run printed `fragment` (the diagnostic under test fired).
    fn fires(&self, fragment: &str) -> &Self {
        let err = self.stderr();
        assert!(
            err.contains(fragment),
            "the C tool did not print {fragment:?}; its stderr was:\n{err}"
        );
        self
    }

    fn lacks(&self, fragment: &str) -> &Self {
        let err = self.stderr();
        assert!(
            !err.contains(fragment),
            "the C tool printed {fragment:?}; its stderr was:\n{err}"
        );
        self
    }

    fn code(&self, code: i32) -> &Self {
        assert_eq!(self.c.code, code, "C exit code; stderr:\n{}", self.stderr());
        self
    }

    /// An output file both tools wrote (already compared equal).
    fn output(&self, rel: &str) -> String {
        let p = self.c_dir.join(rel);
        assert!(
            self.rs_dir.join(rel).is_file(),
            "modpost-rs did not write {rel}"
        );
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("C did not write {rel}: {e}"))
    }

    fn no_output(&self, rel: &str) -> &Self {
        assert!(!self.c_dir.join(rel).exists(), "C wrote {rel}");
        self
    }
}

/// Run `tool` with argv[0] = `scripts/mod/modpost`, as Kbuild does: getopt's messages start
/// with argv[0], so both tools must see the same one.
fn run_as_kbuild(tool: &Path, args: &[&str], cwd: &Path) -> Run {
    use std::os::unix::process::CommandExt;
    let out = std::process::Command::new(tool)
        .arg0("scripts/mod/modpost")
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", tool.display()));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

/// `cp -a src dst`.
fn copy_tree(src: &Path, dst: &Path) {
    let st = std::process::Command::new("cp")
        .arg("-a")
        .arg(src)
        .arg(dst)
        .status()
        .expect("cp -a");
    assert!(st.success(), "cp -a {} {}", src.display(), dst.display());
}

/// Kbuild's `<mod>.mod` and `.<obj>.cmd` files for a single-object module, as -m and
/// srcversion need them; `symvers` are `#SYMVER` lines (name, crc text).
fn kbuild_files(case: &Case, obj: &str, symvers: &[(&str, &str)]) {
    let stem = obj.strip_suffix(".o").expect("object path ends in .o");
    case.file(&format!("{stem}.mod"), format!("{obj}\n"));
    let (dir, base) = match obj.rfind('/') {
        Some(i) => (&obj[..=i], &obj[i + 1..]),
        None => ("", obj),
    };
    let mut cmd = format!("savedcmd_{obj} := gcc -c -o {obj} {stem}.c\n\nsource_{obj} := {stem}.c\n\ndeps_{obj} := \\\n  {stem}.c \\\n\n{obj}: $(deps_{obj})\n\n$(deps_{obj}):\n");
    for (name, crc) in symvers {
        cmd.push_str(&format!("#SYMVER {name} {crc}\n"));
    }
    case.file(&format!("{dir}.{base}.cmd"), cmd);
}

// ---------------------------------------------------------------------------------------
// Licences and module info
// ---------------------------------------------------------------------------------------

#[test]
fn missing_license_and_description() {
    let case = Case::new("license");
    case.cc("license/nolicense.c", "nolicense.o")
        .cc("license/described.c", "described.o")
        .cc("license/nolicense.c", "vmlinux.o");
    case.run(&["nolicense.o", "described.o"])
        .fires("ERROR: modpost: missing MODULE_LICENSE() in nolicense.o\n")
        .lacks("MODULE_DESCRIPTION")
        .code(1);
    // -W: the description check, for modules only (vmlinux needs neither tag).
    case.run(&["-W", "vmlinux.o", "nolicense.o", "described.o"])
        .fires("WARNING: modpost: missing MODULE_DESCRIPTION() in nolicense.o\n")
        .lacks("in described.o")
        .lacks("in vmlinux.o")
        .code(1);
    let ok = case.run(&["-W", "described.o"]);
    ok.code(0);
    assert!(ok
        .output("described.mod.c")
        .contains("MODULE_INFO(intree, \"Y\");"));
}

#[test]
fn gpl_only_symbol_used_by_incompatible_module() {
    let case = Case::new("gplonly");
    case.cc("exports/provider.c", "provider.o")
        .cc("license/proprietary.c", "proprietary.o")
        .cc("license/multi.c", "multi.o");
    case.run(&["-M", "provider.o", "proprietary.o", "multi.o"])
        .fires("ERROR: modpost: GPL-incompatible module proprietary.ko uses GPL-only symbol 'gpl_func'\n")
        // An unknown licence string among several tags also makes the module incompatible.
        .fires("GPL-incompatible module multi.ko uses GPL-only symbol 'gpl_func'")
        .lacks("'plain_func'")
        .code(1);
    // Without -M there are no exports at all: everything is undefined instead.
    case.run(&["-w", "provider.o", "proprietary.o"])
        .fires("WARNING: modpost: \"gpl_func\" [proprietary.ko] undefined!\n")
        .code(0);
}

// ---------------------------------------------------------------------------------------
// Undefined symbols
// ---------------------------------------------------------------------------------------

#[test]
fn undefined_symbols_and_suppression() {
    let case = Case::new("undef");
    case.cc("undefined/many_undef.c", "many_undef.o")
        .cc("undefined/two_undef.c", "sub/two_undef.o");
    let out = case.run(&["many_undef.o", "sub/two_undef.o"]);
    out.fires("ERROR: modpost: \"undef_01\" [many_undef.ko] undefined!\n")
        .fires("\"undef_10\" [many_undef.ko] undefined!")
        .lacks("\"undef_11\"")
        .lacks("weak_undef")
        .fires("WARNING: modpost: suppressed 4 unresolved symbol warnings because there were too many)\n")
        .code(1);
    // -w: the same reports as warnings; the run succeeds and writes its outputs.
    let out = case.run(&["-w", "many_undef.o", "sub/two_undef.o"]);
    out.fires("WARNING: modpost: \"undef_01\" [many_undef.ko] undefined!\n")
        .fires("suppressed 4 unresolved")
        .code(0);
    out.output("sub/two_undef.mod.c");
    // Exactly ten: nothing suppressed.
    case.run(&["-w", "sub/two_undef.o"])
        .lacks("suppressed")
        .code(0);
}

#[test]
fn exported_without_definition() {
    let case = Case::new("nodef");
    case.cc("exports/nodef.c", "nodef.o");
    case.run(&["-M", "nodef.o"])
        .fires("ERROR: modpost: \"ghost_func\" [nodef.ko] was exported without definition\n")
        .code(1);
}

// ---------------------------------------------------------------------------------------
// Exports
// ---------------------------------------------------------------------------------------

#[test]
fn exports_of_every_kind_and_module_c_contents() {
    let case = Case::new("exports");
    case.cc("exports/provider.c", "provider.o")
        .cc("exports/consumer.c", "consumer.o")
        .cc("exports/vmlinux.c", "vmlinux.o")
        .cc("exports/vmuser.c", "drivers/staging/vmuser.o")
        .cc("license/described.c", "tools/testing/described.o");
    let out = case.run(&[
        "-M",
        "-N",
        "-o",
        "Module.symvers",
        "vmlinux.o",
        "provider.o",
        "consumer.o",
        "drivers/staging/vmuser.o",
        "tools/testing/described.o",
    ]);
    out.code(0)
        .fires("vmlinux: section mismatch in reference: vmlinux_late");
    let provider = out.output("provider.mod.c");
    assert!(provider.contains("\t.init = init_module,\n"), "{provider}");
    assert!(
        provider.contains("\t.exit = cleanup_module,\n"),
        "{provider}"
    );
    assert!(provider.contains("KSYMTAB_FUNC(ns_gpl_func, \"_gpl\", \"OTHER_NS\");"));
    assert!(provider.contains("KSYMTAB_DATA(data_var, \"\", \"\");"));
    let vmuser = out.output("drivers/staging/vmuser.mod.c");
    assert!(vmuser.contains("MODULE_INFO(staging, \"Y\");"), "{vmuser}");
    assert!(
        vmuser.contains("MODULE_INFO(depends, \"provider\");"),
        "{vmuser}"
    );
    let described = out.output("tools/testing/described.mod.c");
    assert!(
        described.contains("MODULE_INFO(test, \"Y\");"),
        "{described}"
    );
    let export_c = out.output(".vmlinux.export.c");
    assert!(export_c.contains("KSYMTAB_DATA(vmlinux_data, \"_gpl\", \"\");"));
    let symvers = out.output("Module.symvers");
    assert!(symvers.contains("\tfor_mods_func\tprovider\tEXPORT_SYMBOL_GPL\tmodule:consumer\n"));
    // -e: no intree tag.
    let out = case.run(&["-e", "-M", "-N", "provider.o", "consumer.o"]);
    assert!(!out.output("provider.mod.c").contains("intree"));
}

#[test]
fn namespace_not_imported() {
    let case = Case::new("ns");
    case.cc("exports/provider.c", "provider.o")
        .cc("exports/consumer.c", "sub/consumer.o");
    // An error by default; the outputs (including the nsdeps file) are then not written.
    case.run(&["-M", "-d", "modules.nsdeps", "provider.o", "sub/consumer.o"])
        .fires("ERROR: modpost: module consumer uses symbol ns_gpl_func from namespace OTHER_NS, but does not import it.\n")
        .fires("uses symbol for_mods_func from namespace module:consumer, but does not import it.")
        .lacks("ns_func from namespace MY_NS")
        .no_output("modules.nsdeps")
        .code(1);
    // -N: warnings, and -d writes the missing namespaces per module.
    let out = case.run(&[
        "-M",
        "-N",
        "-d",
        "modules.nsdeps",
        "provider.o",
        "sub/consumer.o",
    ]);
    out.fires("WARNING: modpost: module consumer uses symbol ns_gpl_func from namespace OTHER_NS, but does not import it.\n")
        .code(0);
    assert_eq!(
        out.output("modules.nsdeps"),
        "sub/consumer.ko: OTHER_NS module:consumer\n"
    );
    // Nothing missing: an empty nsdeps file.
    let out = case.run(&["-M", "-N", "-d", "modules.nsdeps", "provider.o"]);
    assert_eq!(out.output("modules.nsdeps"), "");
}

#[test]
fn exported_twice() {
    let case = Case::new("twice");
    case.cc("exports/dup_a.c", "dup_a.o")
        .cc("exports/dup_b.c", "sub/dup_b.o")
        .file(
            "vmlinux.symvers",
            "0x11111111\tvmlinux_sym\tvmlinux\tEXPORT_SYMBOL_GPL\t\n\
             0x22222222\tother_sym\tfs/other\tEXPORT_SYMBOL\t\n",
        )
        .file(
            "twice.symvers",
            "0x00000001\tsame_sym\tdrivers/dumped\tEXPORT_SYMBOL\t\n\
             0x00000002\tsame_sym\tdrivers/dumped\tEXPORT_SYMBOL\tNS\n\
             0x00000003\tacross_sym\tdrivers/one\tEXPORT_SYMBOL\t\n\
             0x00000004\tacross_sym\tdrivers/two\tEXPORT_SYMBOL\t\n",
        );
    case.run(&["-M", "dup_a.o", "sub/dup_b.o"])
        .fires("ERROR: modpost: sub/dup_b: 'dup_sym' exported twice. Previous export was in dup_a.ko\n")
        .code(1);
    // A user of the twice-exported symbol resolves to the latest export (the hash bucket is
    // pushed at the front); an undefined ".dup_sym" (PPC64 function descriptors) matches
    // "dup_sym" with the dot stripped.
    case.file(
        "dupuser.c",
        "#include \"kmod.h\"\n\
         extern int dup_sym(void);\n\
         extern int dotted(void) asm(\".dup_sym\");\n\
         int dupuser(void) { return dup_sym() + dotted(); }\n\
         MODULE_LICENSE(\"GPL\");\n",
    );
    compile(&case.path("dupuser.c"), &case.path("dupuser.o"), &[]);
    let out = case.run(&["-e", "-M", "dup_a.o", "sub/dup_b.o", "dupuser.o"]);
    out.lacks("undefined").code(0);
    assert!(out
        .output("dupuser.mod.c")
        .contains("MODULE_INFO(depends, \"dup_b\");"));
    // -e: an earlier export in another module is allowed; one in vmlinux is not.
    case.run(&[
        "-e",
        "-M",
        "-i",
        "vmlinux.symvers",
        "dup_a.o",
        "sub/dup_b.o",
    ])
    .fires("ERROR: modpost: dup_a: 'vmlinux_sym' exported twice. Previous export was in vmlinux\n")
    .lacks("'dup_sym' exported twice")
    .code(1);
    // Dump files: twice in the same module is an error even with -e; across modules only
    // without -e.
    case.run(&["-e", "-i", "twice.symvers"])
        .fires("ERROR: modpost: drivers/dumped: 'same_sym' exported twice. Previous export was in drivers/dumped.ko\n")
        .lacks("across_sym")
        .code(1);
    case.run(&["-i", "twice.symvers", "-i", "vmlinux.symvers"])
        .fires("drivers/two: 'across_sym' exported twice. Previous export was in drivers/one.ko")
        .code(1);
}

#[test]
fn export_symbol_section_checks() {
    let case = Case::new("badexport");
    case.cc("exports/bad_export.c", "bad_export.o");
    let out = case.run(&["-M", "-o", "Module.symvers", "bad_export.o"]);
    out.fires("ERROR: modpost: bad_export: .export_symbol section contains strange symbol ''\n")
        .fires("ERROR: modpost: bad_export: .export_symbol section contains strange symbol 'weird_label'\n")
        .fires("ERROR: modpost: bad_export: local symbol 'static_func' was exported\n")
        .fires("ERROR: modpost: bad_export: .export_symbol section references 'real_target', but it does not seem to be an export symbol\n")
        .fires("ERROR: modpost: bad_export: unknown license 'BSD' was specified for 'bsd_func'\n")
        .fires("WARNING: modpost: bad_export: init_exported: EXPORT_SYMBOL used for init symbol. Remove __init or EXPORT_SYMBOL.\n")
        .fires("WARNING: modpost: bad_export: exit_exported: EXPORT_SYMBOL used for exit symbol. Remove __exit or EXPORT_SYMBOL.\n")
        .fires("initdata_exported: EXPORT_SYMBOL used for init symbol.")
        .no_output("Module.symvers")
        .code(1);
    // Without -M the section is not special: its relocations go through the mismatch rules.
    case.run(&["bad_export.o"]).code(0);
}

#[test]
fn init_exports_only_warn() {
    // The init/exit export warnings alone do not fail the run; the exports are written.
    let case = Case::new("initexport");
    case.file(
        "initexp.c",
        "#include \"kmod.h\"\n\
         __init int early(void) { return 1; }\nEXPORT_SYMBOL(early);\n\
         __exit void late(void) { }\nEXPORT_SYMBOL_GPL(late);\n\
         MODULE_LICENSE(\"GPL\");\n",
    );
    compile(&case.path("initexp.c"), &case.path("initexp.o"), &[]);
    let out = case.run(&["-M", "-o", "Module.symvers", "initexp.o"]);
    out.fires("initexp: early: EXPORT_SYMBOL used for init symbol")
        .fires("initexp: late: EXPORT_SYMBOL used for exit symbol")
        .code(0);
    assert!(out
        .output("Module.symvers")
        .contains("\tlate\tinitexp\tEXPORT_SYMBOL_GPL\t\n"));
}

#[test]
fn common_symbols() {
    let case = Case::new("common");
    case.cc_flags("misc/common.c", "common.o", &["-fcommon"]);
    case.run(&["common.o"])
        .fires("WARNING: modpost: \"common_var\" [common] is COMMON symbol\n")
        .lacks("__gnu_lto_common_var")
        .code(0);
}

// ---------------------------------------------------------------------------------------
// Section mismatches
// ---------------------------------------------------------------------------------------

#[test]
fn section_mismatch_rules_and_whitelist() {
    let case = Case::new("mismatch");
    case.cc("mismatch/rules.c", "rules.o");
    let out = case.run(&["-w", "rules.o"]);
    let m = "WARNING: modpost: rules: section mismatch in reference: ";
    // Rule 1, from .text / .text.* / .data / .data.rel to .init.* and .exit.*.
    out.fires(&format!("{m}cold_path_calls_init+0x1 (section: .text.unlikely.cold_path) -> init_fn (section: .init.text)\n"))
        .fires("(section: .data) -> init_data_var (section: .init.data)")
        .fires("data_rel_to_exit+0x0 (section: .data.rel) -> exit_fn (section: .exit.text)")
        .fires("-> exit_fn (section: .exit.text)")
        // Every TEXT_SECTIONS pattern; .ref.text, .softirqentry.text, .meminit.text and
        // ".textual" (not ".text.*") are in no "from" set.
        .fires("noinstr_calls_init+0x1 (section: .noinstr.text) -> init_fn")
        .fires("sched_calls_init+0x1 (section: .sched.text)")
        .fires("kprobes_calls_init+0x1 (section: .kprobes.text)")
        .fires("cpuidle_calls_init+0x1 (section: .cpuidle.text)")
        .fires("ltext_calls_init+0x1 (section: .ltext)")
        .fires("ltext_hot_calls_init+0x1 (section: .ltext.hot)")
        .lacks("ref_calls_init")
        .lacks("softirq_calls_init")
        .lacks("meminit_calls_init")
        .lacks("textual_calls_init")
        .fires("data_to_init_rodata+0x0 (section: .data) -> init_rodata_var (section: .init.rodata)")
        .fires("data_to_exit_data+0x0 (section: .data) -> exit_data_var (section: .exit.data)")
        // Rule 2, rule 3 (code and data), rule 4.
        .fires("init_calls_exit+0x1 (section: .init.text) -> exit_fn (section: .exit.text)")
        .fires("(section: .exit.text) -> init_fn (section: .init.text)")
        .fires("(section: .exit.text) -> init_data_var (section: .init.data)")
        .fires("pci_fixup_entry+0x0 (section: .pci_fixup_final) -> init_fn (section: .init.text)")
        // Unnamed source (raw offset) and unnamed target (raw address).
        .fires(&format!("{m}0x0 (section: .data.rel) -> 0x40 (section: .init.anon)\n"))
        .fires(&format!("{m}0x8 (section: .data.rel) -> init_fn (section: .init.text)\n"))
        // remove_dot() shortened the source symbol.
        .fires("numbered+0x1 (section: ")
        // Not whitelisted: a __param object pointing at code, *_ops_but_not, a non-marker.
        .fires("__param_not_p1+0x0 (section: .data) -> init_fn")
        .fires("wl_ops_but_not+0x0 (section: .data)")
        .fires("-> _not_a_marker (section: .init.text)")
        // Whitelisted.
        .lacks("__param_wl_p1")
        .lacks("__param_ops_wl_p1a")
        .lacks("wl_ops+")
        .lacks("wl_probe")
        .lacks("wl_console")
        .lacks("head_calls_init")
        .lacks("head2_calls_init")
        .lacks("-> _sinittext")
        .lacks("-> _einittext")
        .lacks("-> __init_begin")
        .lacks("marker_refs")
        .lacks("helper.constprop.0")
        .lacks("rodata_to_init")
        .lacks("init_uses_init")
        .lacks(".discard")
        .lacks(".note")
        .lacks("Section mismatches detected")
        .code(0);
    // -E: the final error.
    case.run(&["-w", "-E", "rules.o"])
        .fires("ERROR: modpost: Section mismatches detected.\nSet CONFIG_SECTION_MISMATCH_WARN_ONLY=y to allow them.\n")
        .code(1);
    // -E with only whitelisted references: no error.
    case.cc("license/described.c", "clean.o");
    case.run(&["-E", "clean.o"])
        .lacks("Section mismatches")
        .code(0);
}

#[test]
fn extable_references() {
    let case = Case::new("extable");
    case.cc("mismatch/extable.c", "extable.o")
        .cc("mismatch/extable_blacklist.c", "extable_blacklist.o")
        .cc("license/described.c", "after.o");
    case.run(&["extable.o"])
        .fires("WARNING: modpost: extable: section mismatch in reference: 0x4 (section: __ex_table) -> not_code (section: .rodata)\n")
        .fires("ERROR: modpost: __ex_table+0x4 references non-executable section '.rodata'\n")
        .fires("WARNING: modpost: The relocation at __ex_table+0x8 references\nsection \".mytext\" which is not in the list of\nauthorized sections.")
        .fires("OTHER_TEXT_SECTIONS in scripts/mod/modpost.c.\n")
        .lacks("fixup_ok")
        .lacks("exit_fixup")
        .code(1);
    // The black-listed target is fatal: the run stops before after.o.
    let out = case.run(&["-E", "extable_blacklist.o", "after.o"]);
    out.fires("extable_blacklist: section mismatch in reference: 0x0 (section: __ex_table) -> alt_code (section: .altinstr_replacement)\n")
        .fires("ERROR: modpost: The relocation at __ex_table+0x0 references\nsection \".altinstr_replacement\" which is black-listed.\n")
        .fires("scripts/check_extable.sh extable_blacklist\n")
        .lacks("Section mismatches detected")
        .no_output("after.mod.c")
        .code(1);
}

#[test]
fn non_allocatable_sections() {
    let case = Case::new("nonalloc");
    case.cc("mismatch/nonalloc.c", "nonalloc.o");
    case.run(&["nonalloc.o"])
        .fires("WARNING: modpost: nonalloc (.forgot_flags): unexpected non-allocatable section.\nDid you forget to use \"ax\"/\"aw\" in a .S file?\nNote that for example <linux/init.h> contains\nsection definitions for use in .S files.\n\n")
        .fires("nonalloc (.init.forgot): unexpected")
        .lacks(".comment.extra")
        .lacks(".debug_extra")
        .code(0);
}

#[test]
fn rel_sections_on_x86_64_are_fatal() {
    // An SHT_REL section on a machine without REL addend decoding.
    let case = Case::new("relfatal");
    case.cc("mismatch/rules.c", "rules.o");
    let mut d = std::fs::read(case.path("rules.o")).unwrap();
    let s = elf64_section(&d, ".rela.text");
    put_u32(&mut d, s.header_offset + 4, 9); // SHT_REL
    case.file("rel.o", d);
    case.run(&["rel.o"])
        .fires("ERROR: modpost: Please add code to calculate addend for this architecture\n")
        .code(1);
}

// ---------------------------------------------------------------------------------------
// Module names, symbol names, buffers
// ---------------------------------------------------------------------------------------

#[test]
fn module_name_too_long() {
    let case = Case::new("longname");
    case.cc("license/described.c", "described.o");
    // MODULE_NAME_LEN is 56 on 64-bit: 55 characters pass, 56 fail.
    let ok = format!("dir/{}.o", "a".repeat(55));
    let bad = format!("dir/{}.o", "b".repeat(56));
    case.copy("described.o", &ok).copy("described.o", &bad);
    case.run(&[&ok, &bad])
        .fires(&format!(
            "ERROR: modpost: module name is too long [dir/{}.ko]\n",
            "b".repeat(56)
        ))
        .lacks("aaaa.ko]")
        .code(1);
}

#[test]
fn mod_c_path_too_long() {
    // "<name>.mod.c" no longer fits in PATH_MAX although "<name>.o" can still be opened.
    // The absolute paths are longer than PATH_MAX, so everything here works relative to the
    // case directory, and both tools run in the same directory (an error means neither
    // writes anything).
    let case = Case::new("longpath");
    case.cc("license/described.c", "described.o");
    let mut name = String::new();
    while name.len() < 4090 - 201 {
        name.push_str(&"d".repeat(200));
        name.push('/');
    }
    let pad = 4090 - name.len();
    name.push_str(&"m".repeat(pad));
    assert_eq!(name.len(), 4090);
    let obj = format!("{name}.o");
    let dir = &name[..name.rfind('/').unwrap()];
    let st = std::process::Command::new("sh")
        .args([
            "-c",
            "mkdir -p \"$1\" && cp described.o \"$2\"",
            "sh",
            dir,
            &obj,
        ])
        .current_dir(&case.src)
        .status()
        .unwrap();
    assert!(st.success(), "could not create the long object path");
    let c = run(&c_modpost(), &[&obj], &case.src);
    let rs = run(&modpost_rs(), &[&obj], &case.src);
    let err = String::from_utf8_lossy(&c.stderr).into_owned();
    assert!(
        err.starts_with("ERROR: modpost: ") && err.ends_with(": too long path was truncated\n"),
        "C stderr: {err}"
    );
    assert_eq!(c.code, 1);
    if let Some(d) = first_difference(&c.stderr, &rs.stderr) {
        panic!("stderr differs: {d}");
    }
    assert_eq!(c.code, rs.code, "exit codes differ");
}

#[test]
fn modversions_path_too_long() {
    // Needs the sources module: with -m, "<name>.mod" must fit in PATH_MAX too.
    let case = Case::new("longmodpath");
    case.cc("license/described.c", "described.o");
    let mut name = String::new();
    while name.len() < 4092 - 201 {
        name.push_str(&"d".repeat(200));
        name.push('/');
    }
    let pad = 4092 - name.len();
    name.push_str(&"m".repeat(pad));
    let obj = format!("{name}.o");
    let dir = &name[..name.rfind('/').unwrap()];
    let st = std::process::Command::new("sh")
        .args([
            "-c",
            "mkdir -p \"$1\" && cp described.o \"$2\"",
            "sh",
            dir,
            &obj,
        ])
        .current_dir(&case.src)
        .status()
        .unwrap();
    assert!(st.success(), "could not create the long object path");
    let c = run(&c_modpost(), &["-m", &obj], &case.src);
    let err = String::from_utf8_lossy(&c.stderr).into_owned();
    assert!(
        err.contains(".mo: too long path was truncated\n"),
        "C stderr: {err}"
    );
    let rs = run(&modpost_rs(), &["-m", &obj], &case.src);
    assert_same_run("modpost -m <long path>", &c, &rs);
}

#[test]
fn output_files_that_cannot_be_written() {
    let case = Case::new("writeerr");
    case.cc("exports/provider.c", "provider.o");
    case.run(&["-M", "-o", "nodir/Module.symvers", "provider.o"])
        .fires("nodir/Module.symvers: No such file or directory\n")
        .code(1);
    case.run(&["-M", "-N", "-d", "nodir/deps", "provider.o"])
        .fires("nodir/deps: No such file or directory\n")
        .code(1);
    // The output path is a directory.
    std::fs::create_dir_all(case.path("adir")).unwrap();
    case.run(&["-M", "-o", "adir", "provider.o"])
        .fires("adir: Is a directory\n")
        .code(1);
}

#[test]
fn buf_printf_overflow_is_fatal() {
    let case = Case::new("bufprintf");
    case.cc("misc/longsym.c", "longsym.o")
        .cc("license/described.c", "described.o");
    case.run(&["-M", "longsym.o", "described.o"])
        .fires("ERROR: modpost: buf_printf output truncated for string KSYMTAB_FUNC(long_symbol_")
        .fires(": 515 bytes needed, 500 available\n")
        .code(1);
}

// ---------------------------------------------------------------------------------------
// Trimming (-t, -u)
// ---------------------------------------------------------------------------------------

#[test]
fn trim_unused_exports() {
    let case = Case::new("trim");
    case.cc("exports/provider.c", "provider.o")
        .cc("exports/consumer.c", "consumer.o")
        .file("whitelist", "listed_func\nnot_exported_anywhere\n\n");
    let out = case.run(&[
        "-M",
        "-N",
        "-t",
        "-u",
        "whitelist",
        "-o",
        "Module.symvers",
        "provider.o",
        "consumer.o",
    ]);
    out.code(0);
    let mod_c = out.output("provider.mod.c");
    assert!(mod_c.contains("KSYMTAB_FUNC(listed_func"), "{mod_c}");
    assert!(mod_c.contains("KSYMTAB_FUNC(plain_func"), "{mod_c}");
    assert!(!mod_c.contains("unused_func"), "{mod_c}");
    let symvers = out.output("Module.symvers");
    assert!(!symvers.contains("unused_func"), "{symvers}");
    assert!(symvers.contains("\tlisted_func\t"), "{symvers}");
    // -t without -u, and a -u file that does not exist (perror + exit).
    case.run(&["-M", "-N", "-t", "-o", "Module.symvers", "provider.o"])
        .code(0);
    case.run(&["-M", "-t", "-u", "missing-whitelist", "provider.o"])
        .fires("missing-whitelist: No such file or directory\n")
        .code(1);
}

// ---------------------------------------------------------------------------------------
// Inputs: missing files, names, non-ELF, the -T list, symvers files
// ---------------------------------------------------------------------------------------

#[test]
fn missing_and_odd_input_files() {
    let case = Case::new("inputs");
    case.cc("license/described.c", "described.o")
        .copy("described.o", "described.obj")
        .file(
            "notelf.o",
            "this is not an ELF file, just text long enough to be read\n",
        )
        .file("tiny.o", "\x7fELF")
        .file("empty.o", "");
    std::fs::create_dir_all(case.path("adir.o")).unwrap();
    // -n: a missing file is reported and skipped.
    case.run(&["-n", "missing.o", "described.o"])
        .fires("missing.o: No such file or directory (ignored)\n")
        .code(0);
    // Without -n: perror and exit at once.
    case.run(&["missing.o", "described.o"])
        .fires("missing.o: No such file or directory\n")
        .no_output("described.mod.c")
        .code(1);
    // Not ending in .o.
    case.run(&["described.obj", "described.o"])
        .fires("ERROR: modpost: described.obj: filename must be suffixed with .o\n")
        .code(1);
    // Non-ELF and too-small files are skipped silently and make no module.
    case.run(&["notelf.o", "tiny.o", "described.o"])
        .no_output("notelf.mod.c")
        .no_output("tiny.mod.c")
        .code(0);
    // An empty file cannot be mapped; a directory neither.
    case.run(&["empty.o"])
        .fires("empty.o: Invalid argument\n")
        .code(1);
    case.run(&["-n", "empty.o", "adir.o", "described.o"])
        .fires("empty.o: Invalid argument (ignored)\n")
        .fires("adir.o: No such device (ignored)\n")
        .code(0);
}

#[test]
fn files_source_list() {
    let case = Case::new("order");
    case.cc("license/described.c", "a/one.o")
        .cc("license/described.c", "b/two.o")
        .cc("exports/provider.c", "provider.o")
        .file("modules.order", "a/one.o\nb/two.o\n")
        .file("blank.order", "a/one.o\n\nb/two.o")
        .file("ko.order", "a/one.ko\n");
    // Positional objects come first, then the list.
    let out = case.run(&[
        "-M",
        "-o",
        "Module.symvers",
        "-T",
        "modules.order",
        "provider.o",
    ]);
    out.code(0);
    out.output("a/one.mod.c");
    out.output("b/two.mod.c");
    // An empty line is an object called "" (not ending in .o); a last line without '\n' counts.
    case.run(&["-T", "blank.order"])
        .fires("ERROR: modpost: : filename must be suffixed with .o\n")
        .code(1);
    // 6.1-style .ko lines are not objects.
    case.run(&["-T", "ko.order"])
        .fires("a/one.ko: filename must be suffixed with .o")
        .code(1);
    // 6.12 has no "-T -": stdin is not read, "-" is a file name like any other.
    case.run(&["-T", "-"])
        .fires("ERROR: modpost: Can't open filenames file -: No such file or directory")
        .code(1);
    // A missing list is fatal (%m, no newline).
    case.run(&["-T", "missing.order", "provider.o"])
        .fires("ERROR: modpost: Can't open filenames file missing.order: No such file or directory")
        .no_output("provider.mod.c")
        .code(1);
}

#[test]
fn symvers_input_errors() {
    let case = Case::new("symvers");
    case.cc("exports/consumer.c", "consumer.o")
        .file(
            "good.symvers",
            "0x00000001\tplain_func\tprovider\tEXPORT_SYMBOL\t\n\
             0x00000002\tgpl_func\tprovider\tEXPORT_SYMBOL_GPL\t\n\
             0x00000003\tdata_var\tprovider\tEXPORT_SYMBOL\t\n\
             0x00000004\tns_func\tprovider\tEXPORT_SYMBOL\tMY_NS\n\
             0x00000005\tns_gpl_func\tprovider\tEXPORT_SYMBOL_GPL\tOTHER_NS\n\
             0x00000006\tfor_mods_func\tprovider\tEXPORT_SYMBOL_GPL\tmodule:consumer\n",
        )
        .file(
            "license.symvers",
            "0x00000001\tplain_func\tprovider\tEXPORT_SYMBOL_FOO\t\n\
             0x00000002\tgpl_func\tprovider\tEXPORT_SYMBOL_GPL\t\n",
        )
        .file("fields.symvers", "0x00000001\tplain_func\tprovider\n")
        .file(
            "crc.symvers",
            "0x0000000g\tplain_func\tprovider\tEXPORT_SYMBOL\t\n",
        )
        .file(
            "nomod.symvers",
            "0x00000001\tplain_func\t\tEXPORT_SYMBOL\t\n",
        )
        .file("nosym.symvers", "0x00000001\t\tprovider\tEXPORT_SYMBOL\t\n")
        .file("empty.symvers", "")
        .file(
            "nul.symvers",
            "0x00000001\tplain_func\tprovider\tEXPORT_SYMBOL\t\n\0garbage without tabs\n",
        );
    // Symbols from a dump resolve the consumer's references; no .mod.c for dump modules.
    let out = case.run(&["-i", "good.symvers", "-N", "consumer.o"]);
    out.code(0).no_output("provider.mod.c");
    assert!(out
        .output("consumer.mod.c")
        .contains("MODULE_INFO(depends, \"provider\");"));
    // An unknown export type: an error without a newline, and the line is skipped.
    case.run(&["-i", "license.symvers", "-w", "consumer.o"])
        .fires("ERROR: modpost: plain_func: unknown license EXPORT_SYMBOL_FOO. skip")
        .code(1);
    for bad in [
        "fields.symvers",
        "crc.symvers",
        "nomod.symvers",
        "nosym.symvers",
    ] {
        case.run(&["-i", bad, "consumer.o"])
            .fires("ERROR: modpost: parse error in symbol dump file\n")
            .no_output("consumer.mod.c")
            .code(1);
    }
    // An empty dump is fine; the text stops at a NUL byte.
    case.run(&["-i", "empty.symvers", "-w", "consumer.o"])
        .code(0);
    case.run(&["-i", "nul.symvers", "-w", "consumer.o"])
        .lacks("parse error")
        .code(0);
    // A missing dump file: perror + exit.
    case.run(&["-i", "missing.symvers", "consumer.o"])
        .fires("missing.symvers: No such file or directory\n")
        .code(1);
}

// ---------------------------------------------------------------------------------------
// Modversions (-m): CRCs from symvers files and from #SYMVER lines in .cmd files
// ---------------------------------------------------------------------------------------

fn modversions_case(tag: &str, provider_symvers: &[(&str, &str)]) -> Case {
    let case = Case::new(tag);
    case.cc("exports/provider.c", "provider.o")
        .cc("misc/crcuser.c", "crcuser.o")
        .cc("misc/longver.c", "longver.o")
        .file(
            "vmlinux.symvers",
            "0x0badc0de\tshort_versioned\tvmlinux\tEXPORT_SYMBOL\t\n\
             0x00000000\tversioned_symbol_with_a_name_that_is_far_too_long_for_modversions\tvmlinux\tEXPORT_SYMBOL\t\n\
             0x00000002\tafter_long\tvmlinux\tEXPORT_SYMBOL\t\n\
             0x00000001\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n",
        );
    kbuild_files(&case, "provider.o", provider_symvers);
    kbuild_files(&case, "crcuser.o", &[]);
    kbuild_files(&case, "longver.o", &[]);
    case
}

#[test]
fn modversions_crc_warnings() {
    // No #SYMVER lines: every provider export lacks a CRC.
    let case = modversions_case("modver", &[]);
    let out = case.run(&[
        "-M",
        "-m",
        "-N",
        "-i",
        "vmlinux.symvers",
        "-o",
        "Module.symvers",
        "provider.o",
        "crcuser.o",
    ]);
    out.fires("WARNING: modpost: EXPORT symbol \"plain_func\" [provider.ko] version generation failed, symbol will not be versioned.\nIs \"plain_func\" prototyped in <asm/asm-prototypes.h>?\n")
        .fires("WARNING: modpost: \"plain_func\" [crcuser.ko] has no CRC!\n")
        .code(0);
    let mod_c = out.output("crcuser.mod.c");
    assert!(
        mod_c.contains("\t{ 0xbadc0de, \"short_versioned\" },\n"),
        "{mod_c}"
    );
    assert!(
        mod_c.contains("\t{ 0x1, \"module_layout\" },\n")
            || mod_c.contains("\t{      0x1, \"module_layout\" },\n"),
        "{mod_c}"
    );
    // A symbol name >= MODULE_NAME_LEN ends the table with an error.
    case.run(&["-m", "-i", "vmlinux.symvers", "longver.o"])
        .fires("ERROR: modpost: too long symbol \"versioned_symbol_with_a_name_that_is_far_too_long_for_modversions\" [longver.ko]\n")
        .code(1);
}

#[test]
fn modversions_vmlinux() {
    // Needs the sources module: vmlinux's objects come from .vmlinux.objs; its exports'
    // warnings name "vmlinux" without ".ko".
    let case = Case::new("modver-vmlinux");
    case.cc("exports/vmlinux.c", "vmlinux.o")
        .cc("exports/vmuser.c", "vmuser.o")
        .cc("exports/provider.c", "provider.o");
    kbuild_files(&case, "vmuser.o", &[]);
    kbuild_files(&case, "provider.o", &[("plain_func", "0x0000beef")]);
    case.run(&["-M", "-m", "vmlinux.o", "vmuser.o"])
        .fires(".vmlinux.objs: No such file or directory\n")
        .code(1);
    case.file(".vmlinux.objs", "vmlinux.o\n");
    kbuild_files(&case, "vmlinux.o", &[("vmlinux_func", "0x12345678")]);
    let out = case.run(&[
        "-M",
        "-m",
        "-w",
        "-o",
        "Module.symvers",
        "vmlinux.o",
        "vmuser.o",
        "provider.o",
    ]);
    out.fires("EXPORT symbol \"vmlinux_data\" [vmlinux] version generation failed")
        .lacks("\"vmlinux_func\" [vmlinux] version generation failed")
        .code(0);
    let export_c = out.output(".vmlinux.export.c");
    assert!(
        export_c.contains("SYMBOL_CRC(vmlinux_func, 0x12345678, \"\");"),
        "{export_c}"
    );
    let vmuser = out.output("vmuser.mod.c");
    assert!(
        vmuser.contains("\t{ 0x12345678, \"vmlinux_func\" },\n"),
        "{vmuser}"
    );
    assert!(
        vmuser.contains("\t{   0xbeef, \"plain_func\" },\n"),
        "{vmuser}"
    );
}

#[test]
fn modversions_crcs_from_cmd_files() {
    // Needs the sources module (#SYMVER parsing).
    let case = modversions_case(
        "symver",
        &[
            ("plain_func", "0x12345678"),
            ("gpl_func", "0X9abcdef0"),
            ("data_var", "123"),
            ("ns_func", "x1"),
            ("ns_gpl_func", "0x1 trailing"),
            ("not_exported_here", "0x5"),
        ],
    );
    let out = case.run(&[
        "-M",
        "-m",
        "-N",
        "-i",
        "vmlinux.symvers",
        "-o",
        "Module.symvers",
        "provider.o",
        "crcuser.o",
    ]);
    out.lacks("\"plain_func\" [provider.ko] version generation failed")
        .fires("\"ns_func\" [provider.ko] version generation failed")
        .fires("\"ns_gpl_func\" [provider.ko] version generation failed")
        .code(0);
    assert!(out
        .output("Module.symvers")
        .contains("0x12345678\tplain_func\tprovider\tEXPORT_SYMBOL\t\n"));
}

#[test]
fn modversions_missing_mod_and_cmd_files() {
    // Needs the sources module: a missing .mod or .cmd file is perror + exit(1).
    let case = Case::new("nomod");
    case.cc("license/described.c", "described.o")
        .cc("license/described.c", "sub/other.o")
        .file("sub/other.mod", "sub/other.o\n");
    case.run(&["-m", "described.o"])
        .fires("described.mod: No such file or directory\n")
        .code(1);
    case.run(&["-m", "sub/other.o"])
        .fires("sub/.other.o.cmd: No such file or directory\n")
        .code(1);
}

#[test]
fn srcversion_inputs() {
    // Needs the sources module: MODULE_VERSION() (or -a) reads <mod>.mod and the .cmd files.
    let case = Case::new("srcversion");
    case.cc("misc/versioned.c", "versioned.o")
        .cc("license/described.c", "described.o")
        .copy("versioned.o", "noinputs.o");
    kbuild_files(&case, "versioned.o", &[]);
    kbuild_files(&case, "described.o", &[]);
    case.file(
        "versioned.c",
        std::fs::read(modpost_testdata().join("misc/versioned.c")).unwrap(),
    )
    .file(
        "described.c",
        std::fs::read(modpost_testdata().join("license/described.c")).unwrap(),
    );
    let out = case.run(&["versioned.o", "described.o"]);
    out.code(0);
    assert!(out
        .output("versioned.mod.c")
        .contains("MODULE_INFO(srcversion, \""));
    assert!(!out.output("described.mod.c").contains("srcversion"));
    let out = case.run(&["-a", "versioned.o", "described.o"]);
    assert!(out.output("described.mod.c").contains("srcversion"));
    // No .mod file for a versioned module.
    case.run(&["noinputs.o"])
        .fires("noinputs.mod: No such file or directory\n")
        .code(1);
}

// ---------------------------------------------------------------------------------------
// Command line (GNU getopt)
// ---------------------------------------------------------------------------------------

#[test]
fn getopt_errors_and_forms() {
    // Needs the cli module (GNU getopt emulation).
    let case = Case::new("getopt");
    case.cc("exports/provider.c", "provider.o")
        .cc("exports/consumer.c", "consumer.o");
    case.run(&["-x", "provider.o"])
        .fires("scripts/mod/modpost: invalid option -- 'x'\n")
        .code(1);
    case.run(&["provider.o", "-o"])
        .fires("scripts/mod/modpost: option requires an argument -- 'o'\n")
        .code(1);
    // Clustered flags, an attached argument, permuted operands, and "--".
    let out = case.run(&["provider.o", "-MN", "-oModule.symvers", "--", "consumer.o"]);
    out.code(0);
    assert!(out
        .output("Module.symvers")
        .contains("\tplain_func\tprovider\t"));
    case.run(&["-Mx"]).fires("invalid option -- 'x'").code(1);
}

// ---------------------------------------------------------------------------------------
// Device tables (file2alias)
// ---------------------------------------------------------------------------------------

/// A device table object: `__mod_<type>__<id>_device_table` over the given bytes.
fn devtable_source(kind: &str, id: &str, bytes: &[u8]) -> String {
    let body: Vec<String> = bytes.iter().map(|b| b.to_string()).collect();
    format!(
        "#include \"kmod.h\"\n\
         __used const unsigned char __mod_{kind}__{id}_device_table[{}] __attribute__((aligned(8))) = {{ {} }};\n\
         MODULE_LICENSE(\"GPL\");\n",
        bytes.len(),
        body.join(", ")
    )
}

/// The struct size and field offsets of a device-id type, from the fixture's generated
/// devicetable-offsets.h.
fn devtable_offsets(kind: &str) -> std::collections::HashMap<String, usize> {
    devtable_struct_offsets(&format!("{kind}_device_id"))
}

/// Size and offsets of `struct <name>` from devicetable-offsets.h.
fn devtable_struct_offsets(name: &str) -> std::collections::HashMap<String, usize> {
    let text = std::fs::read_to_string(build_dir().join("scripts/mod/devicetable-offsets.h"))
        .expect("read devicetable-offsets.h");
    let prefix = format!("#define OFF_{name}_");
    let size = format!("#define SIZE_{name} ");
    let mut out = std::collections::HashMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix(&prefix) {
            let mut it = rest.split_whitespace();
            if let (Some(k), Some(v)) = (it.next(), it.next()) {
                out.insert(k.to_string(), v.parse().expect("offset"));
            }
        } else if let Some(rest) = line.strip_prefix(&size) {
            let v = rest.split_whitespace().next().unwrap_or("");
            out.insert("SIZE".to_string(), v.parse().expect("size"));
        }
    }
    assert!(out.contains_key("SIZE"), "no SIZE_{name}");
    out
}

#[test]
fn device_table_diagnostics() {
    // Needs the file2alias module.
    let case = Case::new("devtable");
    // A table whose size is not a multiple of the struct size: fatal.
    let pci = devtable_offsets("pci");
    let psize = pci["SIZE"];
    case.file(
        "badsize.c",
        devtable_source("pci", "badsize", &vec![0u8; psize + 3]),
    );
    // A table whose last entry is not zero: raw dump, then fatal.
    let mut unterminated = vec![0u8; psize * 2];
    unterminated[psize * 2 - 1] = 0x5a;
    case.file(
        "unterminated.c",
        devtable_source("pci", "unterm", &unterminated),
    );
    // A PCI entry with an unknown override_only value, and one with a class mask that
    // cannot be expressed: warnings.
    let mut pci_warn = vec![0u8; psize * 4];
    let set32 = |buf: &mut Vec<u8>, off: usize, v: u32| {
        buf[off..off + 4].copy_from_slice(&v.to_le_bytes());
    };
    set32(&mut pci_warn, pci["vendor"], 0x8086);
    set32(&mut pci_warn, pci["device"], 0xffff_ffff);
    set32(&mut pci_warn, pci["subvendor"], 0xffff_ffff);
    set32(&mut pci_warn, pci["subdevice"], 0xffff_ffff);
    set32(&mut pci_warn, pci["override_only"], 0x77);
    let e2 = psize;
    set32(&mut pci_warn, e2 + pci["vendor"], 0x8086);
    set32(&mut pci_warn, e2 + pci["device"], 0x1234);
    set32(&mut pci_warn, e2 + pci["subvendor"], 0xffff_ffff);
    set32(&mut pci_warn, e2 + pci["subdevice"], 0xffff_ffff);
    set32(&mut pci_warn, e2 + pci["class"], 0x0c0310);
    set32(&mut pci_warn, e2 + pci["class_mask"], 0x00f0f0);
    let e3 = 2 * psize;
    set32(&mut pci_warn, e3 + pci["vendor"], 0x8086);
    set32(&mut pci_warn, e3 + pci["device"], 0x1234);
    set32(&mut pci_warn, e3 + pci["subvendor"], 0xffff_ffff);
    set32(&mut pci_warn, e3 + pci["subdevice"], 0xffff_ffff);
    set32(&mut pci_warn, e3 + pci["class"], 0x0c0310);
    set32(&mut pci_warn, e3 + pci["class_mask"], 0xffff00);
    case.file("pciwarn.c", devtable_source("pci", "warn", &pci_warn));
    for c in ["badsize", "unterminated", "pciwarn"] {
        compile(
            &case.path(&format!("{c}.c")),
            &case.path(&format!("{c}.o")),
            &[],
        );
    }
    case.run(&["badsize.o"])
        .fires("is not a modulo of the size of section __mod_pci__<identifier>_device_table=")
        .code(1);
    case.run(&["unterminated.o"])
        .fires("is not terminated with a NULL entry!")
        .code(1);
    let out = case.run(&["pciwarn.o"]);
    out.fires("WARNING: modpost: Unknown PCI driver_override alias 00000077\n")
        .fires("Can't handle masks in pciwarn:F0F0")
        .code(0);
    assert!(out
        .output("pciwarn.mod.c")
        .contains("MODULE_ALIAS(\"pci:v00008086d00001234sv*sd*bc0Csc03i*\");"));
}

#[test]
fn device_table_wmi_cdx_amba() {
    // Needs the file2alias module.
    let case = Case::new("devtable2");
    let wmi = devtable_offsets("wmi");
    let mut wmi_tab = vec![0u8; wmi["SIZE"] * 3];
    let good = b"05901221-D566-11D1-B2F0-00A0C9062910";
    wmi_tab[wmi["guid_string"]..wmi["guid_string"] + good.len()].copy_from_slice(good);
    let short = b"not-a-guid";
    let e2 = wmi["SIZE"] + wmi["guid_string"];
    wmi_tab[e2..e2 + short.len()].copy_from_slice(short);
    case.file("wmi.c", devtable_source("wmi", "wmi_ids", &wmi_tab));

    let cdx = devtable_offsets("cdx");
    let mut cdx_tab = vec![0u8; cdx["SIZE"] * 3];
    let set16 = |buf: &mut Vec<u8>, off: usize, v: u16| {
        buf[off..off + 2].copy_from_slice(&v.to_le_bytes());
    };
    let set32 = |buf: &mut Vec<u8>, off: usize, v: u32| {
        buf[off..off + 4].copy_from_slice(&v.to_le_bytes());
    };
    set16(&mut cdx_tab, cdx["vendor"], 0x10ee);
    set16(&mut cdx_tab, cdx["device"], 0x8084);
    set16(&mut cdx_tab, cdx["subvendor"], 0xffff);
    set16(&mut cdx_tab, cdx["subdevice"], 0xffff);
    set32(&mut cdx_tab, cdx["override_only"], 0x42);
    let e2 = cdx["SIZE"];
    set16(&mut cdx_tab, e2 + cdx["vendor"], 0x10ee);
    set16(&mut cdx_tab, e2 + cdx["device"], 0xffff);
    set32(&mut cdx_tab, e2 + cdx["class"], 0x0c0310);
    set32(&mut cdx_tab, e2 + cdx["class_mask"], 0xffffff);
    set32(&mut cdx_tab, e2 + cdx["override_only"], 1);
    case.file("cdx.c", devtable_source("cdx", "cdx_ids", &cdx_tab));

    let amba = devtable_struct_offsets("amba_id");
    let mut amba_tab = vec![0u8; amba["SIZE"] * 2];
    set32(&mut amba_tab, amba["id"], 0x000b_b105);
    set32(&mut amba_tab, amba["mask"], 0x000f_f0f0);
    case.file("amba.c", devtable_source("amba", "amba_ids", &amba_tab));
    for c in ["wmi", "cdx", "amba"] {
        compile(
            &case.path(&format!("{c}.c")),
            &case.path(&format!("{c}.o")),
            &[],
        );
    }
    let out = case.run(&["wmi.o", "cdx.o"]);
    out.fires("WARNING: modpost: Invalid WMI device id 'wmi:not-a-guid' in 'wmi'\n")
        .fires("WARNING: modpost: Unknown CDX driver_override alias 00000042\n")
        .code(0);
    assert!(out
        .output("wmi.mod.c")
        .contains("MODULE_ALIAS(\"wmi:05901221-D566-11D1-B2F0-00A0C9062910\");"));
    assert!(out.output("cdx.mod.c").contains("MODULE_ALIAS(\"vfio_cdx:"));
    case.run(&["amba.o", "wmi.o"])
        .fires("ERROR: modpost: amba: Masked-off bit(s) of AMBA device ID are non-zero: id=0x000BB105, mask=0x000FF0F0.  Please fix this driver.\n")
        .no_output("wmi.mod.c")
        .code(1);
}

// ---------------------------------------------------------------------------------------
// ELF sanity checks (patched copies of a good object)
// ---------------------------------------------------------------------------------------

#[test]
fn elf_header_and_section_checks() {
    let case = Case::new("elfcheck");
    case.cc("license/described.c", "good.o");
    let good = std::fs::read(case.path("good.o")).unwrap();
    let patched = |name: &str, f: &dyn Fn(&mut Vec<u8>)| {
        let mut d = good.clone();
        f(&mut d);
        case.file(name, d);
    };
    let len = good.len() as u64;
    patched("endian.o", &|d| d[5] = 0);
    patched("endian3.o", &|d| d[5] = 3);
    patched("exec.o", &|d| put_u16(d, 16, 2));
    patched("shoff.o", &|d| put_u64(d, 0x28, len + 1));
    patched("trunc.o", &|d| {
        let s = elf64_section(d, ".comment");
        put_u64(d, s.header_offset + 24, len + 100);
    });
    patched("nobits.o", &|d| {
        let s = elf64_section(d, ".modinfo");
        put_u32(d, s.header_offset + 4, 8);
    });
    patched("nosymtab.o", &|d| {
        let s = elf64_section(d, ".symtab");
        put_u32(d, s.header_offset + 4, 1);
    });
    patched("shndx.o", &|d| {
        let s = elf64_section(d, ".comment");
        put_u32(d, s.header_offset + 4, 18); // SHT_SYMTAB_SHNDX
        put_u32(d, s.header_offset + 40, 0);
    });
    let symtab = elf64_section(&good, ".symtab").index;
    for (obj, msg) in [
        ("endian.o", "ERROR: modpost: target endian is unknown\n".to_string()),
        ("endian3.o", "ERROR: modpost: target endian is unknown\n".to_string()),
        ("exec.o", "ERROR: modpost: exec.o: not relocatable object.".to_string()),
        (
            "shoff.o",
            format!(
                "ERROR: modpost: section header offset={} in file 'shoff.o' is bigger than filesize={len}\n",
                len + 1
            ),
        ),
        (
            "trunc.o",
            format!(
                "ERROR: modpost: trunc.o is truncated. sechdrs[i].sh_offset={} > sizeof(*hrd)=64\n",
                len + 100
            ),
        ),
        ("nobits.o", "ERROR: modpost: nobits.o has NOBITS .modinfo\n".to_string()),
        ("nosymtab.o", "ERROR: modpost: nosymtab.o has no symtab?\n".to_string()),
        (
            "shndx.o",
            format!("ERROR: modpost: shndx.o: SYMTAB_SHNDX has bad sh_link: 0!={symtab}\n"),
        ),
    ] {
        // The fatal error stops the run: good.o after it is never read.
        case.run(&[obj, "good.o"])
            .fires(&msg)
            .no_output("good.mod.c")
            .code(1);
    }
}

#[test]
fn ignored_undefined_symbols() {
    let case = Case::new("ignored");
    case.file(
        "ignored.c",
        "#include \"kmod.h\"\n\
         extern char __this_module[];\n\
         extern char _GLOBAL_OFFSET_TABLE_[];\n\
         extern char really_missing[];\n\
         void *refs(int i) { return i ? (i > 1 ? really_missing : _GLOBAL_OFFSET_TABLE_) : __this_module; }\n\
         MODULE_LICENSE(\"GPL\");\n",
    );
    compile(&case.path("ignored.c"), &case.path("ignored.o"), &[]);
    case.run(&["ignored.o"])
        .fires("\"really_missing\" [ignored.ko] undefined!")
        .lacks("__this_module")
        .lacks("_GLOBAL_OFFSET_TABLE_")
        .code(1);
}

#[test]
fn more_than_64k_sections() {
    // SHN_XINDEX: e_shnum == 0, e_shstrndx == SHN_XINDEX, symbols in .symtab_shndx; a mismatch
    // from a section whose index is above 65535 is reported with the right names.
    let case = Case::new("xindex");
    let mut asm = String::from(
        ".section .modinfo,\"a\"\n.asciz \"license=GPL\"\n\
         .section .init.text,\"ax\"\n.globl init_target\ninit_target: ret\n",
    );
    for i in 0..66000 {
        asm.push_str(&format!(
            ".section .text.f{i},\"ax\"\n.globl f{i}\nf{i}: ret\n"
        ));
    }
    asm.push_str(".section .text.last,\"ax\"\n.globl last_fn\n.type last_fn,@function\nlast_fn: call init_target\nret\n");
    asm.push_str(".section .export_symbol,\"a\"\n__export_symbol_last_fn:\n.asciz \"GPL\"\n.ascii \"\\0\"\n.balign 8\n.quad last_fn\n");
    case.file("many.s", asm);
    compile(&case.path("many.s"), &case.path("many.o"), &[]);
    let d = std::fs::read(case.path("many.o")).unwrap();
    assert_eq!(
        u16::from_le_bytes([d[0x3c], d[0x3d]]),
        0,
        "expected e_shnum == 0"
    );
    let out = case.run(&["-M", "-o", "Module.symvers", "many.o"]);
    out.fires("many: section mismatch in reference: last_fn+0x1 (section: .text.last) -> init_target (section: .init.text)\n")
        .code(0);
    assert!(out
        .output("many.mod.c")
        .contains("KSYMTAB_FUNC(last_fn, \"_gpl\", \"\");"));
}

#[test]
fn srcversion_malformed_and_missing_sources() {
    // Needs the sources module.
    let case = Case::new("srcbad");
    case.cc("misc/versioned.c", "malformed.o")
        .copy("malformed.o", "nosource.o")
        .copy("malformed.o", "withlib.o")
        .file("malformed.mod", "malformed.o\n")
        // A source_ line without a space: warning, and no srcversion for the module.
        .file(
            ".malformed.o.cmd",
            "savedcmd_malformed.o := gcc\n\nsource_malformed.o:=malformed.c\n",
        )
        .file("nosource.mod", "nosource.o\n")
        .file(".nosource.o.cmd", "source_nosource.o := does-not-exist.c\n")
        // Static libraries in the object list are skipped.
        .file("withlib.mod", "lib.a\nwithlib.o\n")
        .file(".withlib.o.cmd", "source_withlib.o := withlib.c\n")
        .file(
            "withlib.c",
            "int withlib_fn(int x) { return x; }  /* comment */\n",
        );
    let out = case.run(&["malformed.o", "withlib.o"]);
    out.fires("WARNING: modpost: malformed line: source_malformed.o:=malformed.c\n")
        .code(0);
    assert!(!out.output("malformed.mod.c").contains("srcversion"));
    assert!(out.output("withlib.mod.c").contains("srcversion"));
    case.run(&["nosource.o"])
        .fires("does-not-exist.c: No such file or directory\n")
        .code(1);
}

// ---------------------------------------------------------------------------------------
// Real kernel objects: an external module built by Kbuild against the fixture tree
// ---------------------------------------------------------------------------------------

/// Run the C tool and modpost-rs one after the other in the same directory state (outputs
/// removed before each run) and compare stderr, exit code and `outputs`.
fn same_dir_differential(args: &[&str], cwd: &Path, outputs: &[PathBuf]) -> String {
    let clear = || {
        for o in outputs {
            let _ = std::fs::remove_file(o);
        }
    };
    clear();
    let c = run_as_kbuild(&c_modpost(), args, cwd);
    let c_out: Vec<Option<Vec<u8>>> = outputs.iter().map(|o| std::fs::read(o).ok()).collect();
    clear();
    let rs = run_as_kbuild(&modpost_rs(), args, cwd);
    let what = format!("modpost {}", args.join(" "));
    let rs_err = String::from_utf8_lossy(&rs.stderr);
    assert!(!rs_err.contains("panicked"), "{what}: panicked:\n{rs_err}");
    if let Some(d) = first_difference(&c.stderr, &rs.stderr) {
        panic!(
            "{what}: stderr differs: {d}\n--- C ---\n{}--- Rust ---\n{rs_err}",
            String::from_utf8_lossy(&c.stderr)
        );
    }
    assert_eq!(c.code, rs.code, "{what}: exit codes differ");
    for (o, c_data) in outputs.iter().zip(c_out) {
        let rs_data = std::fs::read(o).ok();
        match (c_data, rs_data) {
            (None, None) => {}
            (Some(a), Some(b)) => {
                if let Some(d) = first_difference(&a, &b) {
                    panic!("{what}: {} differs: {d}", o.display());
                }
            }
            (a, _) => panic!(
                "{what}: {} written by {} only",
                o.display(),
                if a.is_some() { "C" } else { "Rust" }
            ),
        }
    }
    String::from_utf8_lossy(&c.stderr).into_owned()
}

#[test]
fn real_external_module_build() {
    // Needs the sources module (the fixture kernel has CONFIG_MODVERSIONS and the module has
    // MODULE_VERSION) and file2alias (PCI device table).
    let build = build_dir();
    let case = Case::new("extmod");
    let mdir = case.path("m");
    std::fs::create_dir_all(&mdir).unwrap();
    for f in ["Kbuild", "diagmod.c", "diaguser.c"] {
        std::fs::copy(modpost_testdata().join("extmod").join(f), mdir.join(f)).unwrap();
    }
    // Kbuild compiles the module and runs the C modpost; modpost's errors make make fail,
    // which is expected: only the objects and .cmd/.mod files are needed here.
    let out = std::process::Command::new("make")
        .arg("-C")
        .arg(&build)
        .arg(format!("M={}", mdir.display()))
        .args(["KBUILD_MODPOST_WARN=1", "V=1", "modules"])
        .output()
        .expect("run make");
    let log = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        mdir.join("diagmod.o").is_file() && mdir.join("diaguser.o").is_file(),
        "Kbuild did not build the module objects:\n{log}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cmd = log
        .lines()
        .map(str::trim_start)
        .find(|l| l.starts_with("scripts/mod/modpost "))
        .unwrap_or_else(|| panic!("no modpost command in the build output:\n{log}"))
        .to_string();
    let kbuild_args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
    // The tools run in a directory holding only a copy of the kernel's Module.symvers (the
    // `-i Module.symvers` of the command), so nothing is written to the fixture tree.
    let kdir = case.path("kdir");
    std::fs::create_dir_all(&kdir).unwrap();
    std::fs::copy(build.join("Module.symvers"), kdir.join("Module.symvers")).unwrap();
    let outputs = vec![
        mdir.join("Module.symvers"),
        mdir.join("diagmod.mod.c"),
        mdir.join("diaguser.mod.c"),
    ];
    let err = same_dir_differential(&kbuild_args, &kdir, &outputs);
    for msg in [
        "diagmod: section mismatch in reference: diagmod_late+0x",
        "diagmod: diagmod_init_export: EXPORT_SYMBOL used for init symbol.",
        "WARNING: modpost: \"diag_nowhere\" [",
        "ERROR: modpost: GPL-incompatible module diaguser.ko uses GPL-only symbol 'diagmod_late'",
        "ERROR: modpost: module diaguser uses symbol diagmod_ns_func from namespace DIAG_NS, but does not import it.",
        "ERROR: modpost: Section mismatches detected.",
    ] {
        assert!(err.contains(msg), "C did not print {msg:?}:\n{err}");
    }
    // The same without the errors, so every output is written: -N, no -E, and diaguser
    // left out (the GPL-only use is an error).
    let args: Vec<&str> = kbuild_args
        .iter()
        .copied()
        .filter(|a| *a != "-E")
        .chain(["-N"])
        .collect();
    let order = mdir.join("modules.order");
    std::fs::write(&order, format!("{}\n", mdir.join("diagmod.o").display())).unwrap();
    same_dir_differential(&args, &kdir, &outputs);
    let mod_c = std::fs::read_to_string(mdir.join("diagmod.mod.c")).expect("diagmod.mod.c");
    assert!(
        mod_c.contains("MODULE_ALIAS(\"pci:v00008086d00001234sv*sd*bc*sc*i*\");"),
        "{mod_c}"
    );
    assert!(mod_c.contains("MODULE_INFO(srcversion, \""), "{mod_c}");
    assert!(mod_c.contains("SYMBOL_CRC(diagmod_late, 0x"), "{mod_c}");
}
