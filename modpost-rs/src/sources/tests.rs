//! Tests of the `.cmd`/`.mod` readers: `strtoul` against libc, `#SYMVER` scanning, and
//! differential runs against the C modpost, both on the real fixture kernel and on the
//! project-written cases in `testdata/sources/cases/`.

use super::sumversion::get_src_version_in;
use super::*;
use std::collections::HashMap;
use std::ffi::CString;
use std::path::PathBuf;
use std::process::Command;

/// The C oracle's WORK directory (kpaths::testkit).
pub(crate) fn fixture_work() -> PathBuf {
    kpaths::testkit::oracle().work
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("modpost-rs-sources-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ---------------------------------------------------------------------------------------
// strtoul and #SYMVER scanning

#[allow(unsafe_code)] // libc strtoul is the reference the Rust strtoul is tested against
fn libc_strtoul(s: &[u8], base: i32) -> (u64, usize) {
    let c = CString::new(s).unwrap();
    let mut end: *mut libc::c_char = std::ptr::null_mut();
    // SAFETY: c is a valid NUL-terminated string and end a valid out-pointer; strtoul sets
    // end to a position inside c.
    let v = unsafe { libc::strtoul(c.as_ptr(), &mut end, base) };
    // SAFETY: both pointers point into the same allocation.
    let used = unsafe { end.offset_from(c.as_ptr()) } as usize;
    (v as u64, used)
}

#[test]
fn strtoul_matches_libc() {
    let inputs: &[&[u8]] = &[
        b"0",
        b"7",
        b"0x",
        b"0x\n",
        b"0xg",
        b"0X1f",
        b"0x1F ",
        b"0777",
        b"0778",
        b"08",
        b"09",
        b"00x1",
        b"123abc",
        b"4294967295",
        b"4294967296",
        b"4294967297",
        b"18446744073709551615",
        b"18446744073709551616",
        b"99999999999999999999999\n",
        b"0xffffffffffffffff",
        b"0x10000000000000000",
        b"01777777777777777777777",
        b"02000000000000000000000",
        b"-1",
        b"-0x10",
        b"+5",
        b" \t\n\x0b\x0c\r42",
        b"-",
        b"+",
        b"",
        b"x",
        b" ",
        b"\xa05",
        b"0x0",
        b"0x00000000",
        b"-99999999999999999999999",
    ];
    for s in inputs {
        for base in [0u32, 8, 10, 16, 36] {
            assert_eq!(
                strtoul(s, base),
                libc_strtoul(s, base as i32),
                "strtoul({:?}, {base})",
                String::from_utf8_lossy(s)
            );
        }
    }
}

#[test]
fn symver_scanning_quirks() {
    let text = b"#SYMVER first 0x1\n\
        #SYMVER a 0x10\n\
        #SYMVER b 010\n\
        #SYMVER c 10\n\
        #SYMVER d 0x\n\
        #SYMVER e 0x5 \n\
        #SYMVER f\n\
        #SYMVER g 7\n\
        #SYMVER  8\n\
        #SYMVER h 99999999999999999999999\n\
        #SYMVER i 4294967297\n\
        #SYMVER j -1\n\
        #SYMVER k 5";
    let got = parse_symver_lines(text);
    let want: Vec<(Vec<u8>, u32)> = vec![
        (b"a".to_vec(), 0x10),
        (b"b".to_vec(), 8),
        (b"c".to_vec(), 10),
        (b"".to_vec(), 8),
        (b"h".to_vec(), 0xffff_ffff),
        (b"i".to_vec(), 1),
    ];
    assert_eq!(got, want);
    // The name runs to the next space across a newline.
    let got = parse_symver_lines(b"x\n#SYMVER a\nb 3\n");
    assert_eq!(got, vec![(b"a\nb".to_vec(), 3)]);
    // No space after the name: the scan ends.
    assert!(parse_symver_lines(b"x\n#SYMVER a\n#SYMVER").is_empty());
    assert!(parse_symver_lines(b"").is_empty());
}

#[test]
fn find_is_strstr() {
    let cases: [(&[u8], &[u8], Option<usize>); 8] = [
        (b"abc", b"", Some(0)),
        (b"", b"", Some(0)),
        (b"", b"a", None),
        (b"ab", b"abc", None),
        (b"aaab", b"aab", Some(1)),
        (b"x\n#SYMVER a 1\n", b"\n#SYMVER ", Some(1)),
        (b"abcabd", b"abd", Some(3)),
        (b"abcab", b"abd", None),
    ];
    for (haystack, needle, at) in cases {
        assert_eq!(find(haystack, needle), at, "{haystack:?} {needle:?}");
    }
}

#[test]
fn cmd_file_names() {
    assert_eq!(cmd_file_name(b"fs/ext2/inode.o"), b"fs/ext2/.inode.o.cmd");
    assert_eq!(cmd_file_name(b"m.o"), b".m.o.cmd");
    assert_eq!(cmd_file_name(b"/abs/m.o"), b"/abs/.m.o.cmd");
    assert_eq!(cmd_file_name(b"d/"), b"d/..cmd");
}

#[test]
fn missing_files_are_perror_fatal() {
    let dir = scratch_dir("missing");
    let mut d = Diags::buffered();
    assert!(read_module_crcs_in(&dir, b"nomod", false, &mut d).is_err());
    assert_eq!(d.rendered(), "nomod.mod: No such file or directory\n");
    let mut d = Diags::buffered();
    assert!(get_src_version_in(&dir, b"sub/nomod", &mut d).is_err());
    assert_eq!(d.rendered(), "sub/nomod.mod: No such file or directory\n");
    let mut d = Diags::buffered();
    assert!(read_module_crcs_in(&dir, b"x", true, &mut d).is_err());
    assert_eq!(d.rendered(), ".vmlinux.objs: No such file or directory\n");
    // A directory opens, but reading it fails.
    std::fs::create_dir_all(dir.join("d.mod")).unwrap();
    let mut d = Diags::buffered();
    assert!(read_module_crcs_in(&dir, b"d", false, &mut d).is_err());
    assert_eq!(d.rendered(), "d.mod: Is a directory\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn too_long_module_name() {
    let dir = scratch_dir("long");
    // "<name>.mod" of PATH_MAX bytes or more: non-fatal error with the truncated text.
    let name = vec![b'a'; PATH_MAX - 4];
    let mut d = Diags::buffered();
    assert_eq!(
        read_module_crcs_in(&dir, &name, false, &mut d),
        Ok(Vec::new())
    );
    let shown = format!("{}.mo", "a".repeat(PATH_MAX - 4));
    assert_eq!(
        d.rendered(),
        format!("ERROR: modpost: {shown}: too long path was truncated\n")
    );
    // srcversion cuts the name to PATH_MAX bytes silently; the open then fails.
    let name = vec![b'a'; PATH_MAX - 2];
    let mut d = Diags::buffered();
    assert!(get_src_version_in(&dir, &name, &mut d).is_err());
    let shown = format!("{}.m", "a".repeat(PATH_MAX - 2));
    assert_eq!(d.rendered(), format!("{shown}: File name too long\n"));
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------
// Differential: the real fixture kernel

/// `Module.symvers` lines grouped by module: (symbol, crc) in file order.
fn symvers_by_module(path: &Path) -> Vec<(String, Vec<(String, u32)>)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out: Vec<(String, Vec<(String, u32)>)> = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let crc = u32::from_str_radix(f[0].trim_start_matches("0x"), 16).unwrap();
        let (sym, module) = (f[1].to_string(), f[2].to_string());
        match out.iter_mut().find(|(m, _)| *m == module) {
            Some((_, v)) => v.push((sym, crc)),
            None => out.push((module, vec![(sym, crc)])),
        }
    }
    out
}

fn check_crcs_against_symvers(build: &Path, symvers: &Path) -> usize {
    let mut checked = 0;
    for (module, exports) in symvers_by_module(symvers) {
        let mut d = Diags::buffered();
        let is_vmlinux = module == "vmlinux";
        let crcs = read_module_crcs_in(build, module.as_bytes(), is_vmlinux, &mut d)
            .unwrap_or_else(|_| panic!("{module}: {}", d.rendered()));
        assert_eq!(d.rendered(), "", "{module}");
        // sym_set_crc: the last pair for a name wins.
        let map: HashMap<Vec<u8>, u32> = crcs.into_iter().collect();
        for (sym, crc) in exports {
            let ours = map.get(sym.as_bytes()).copied().unwrap_or(0);
            assert_eq!(ours, crc, "CRC of {sym} in {module}");
            checked += 1;
        }
    }
    checked
}

#[test]
fn fixture_crcs_match_module_symvers() {
    let work = fixture_work();
    let build = work.join("build-6.12");
    let n = check_crcs_against_symvers(&build, &build.join("Module.symvers"));
    assert!(n > 4000, "only {n} exports checked");
    // The external module: modpost ran in the build directory with absolute paths.
    let n = check_crcs_against_symvers(&build, &work.join("kotest/Module.symvers"));
    assert_eq!(n, 3);
}

/// The `MODULE_INFO(srcversion, "...")` value of a C-generated `.mod.c`, if any.
fn mod_c_srcversion(mod_c: &[u8]) -> Option<String> {
    const KEY: &[u8] = b"MODULE_INFO(srcversion, \"";
    let start = find(mod_c, KEY)? + KEY.len();
    let len = mod_c[start..].iter().position(|&b| b == b'"')?;
    Some(String::from_utf8_lossy(&mod_c[start..start + len]).into_owned())
}

#[test]
fn fixture_srcversions_match_mod_c() {
    let work = fixture_work();
    let build = work.join("build-6.12");
    let mut objects: Vec<String> = std::fs::read_to_string(build.join("modules.order"))
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert!(objects.len() > 60, "{} modules", objects.len());
    objects.extend(
        std::fs::read_to_string(work.join("kotest/modules.order"))
            .unwrap()
            .lines()
            .map(String::from),
    );
    for object in &objects {
        let modname = object.strip_suffix(".o").unwrap();
        let mod_c = std::fs::read(build.join(format!("{modname}.mod.c"))).unwrap();
        let want = mod_c_srcversion(&mod_c);
        assert!(
            want.is_some(),
            "{modname}.mod.c has no srcversion (fixture built with -a)"
        );
        let mut d = Diags::buffered();
        let got = get_src_version_in(&build, modname.as_bytes(), &mut d)
            .unwrap_or_else(|_| panic!("{modname}: {}", d.rendered()));
        assert_eq!(d.rendered(), "", "{modname}");
        assert_eq!(got, want, "srcversion of {modname}");
    }
}

// ---------------------------------------------------------------------------------------
// Differential: project-written cases run through the C modpost

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// C stderr without the lines our readers do not produce (unresolved `module_layout` and
/// the missing-CRC warnings of the export checks, which come from other phases).
fn filter_c_stderr(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    text.split_inclusive('\n')
        .filter(|l| {
            let unresolved = l.starts_with("WARNING: modpost: \"module_layout\" [");
            let no_crc = l.starts_with("WARNING: modpost: EXPORT symbol \"")
                && l.contains("version generation failed");
            let hint =
                l.starts_with("Is \"") && l.contains("prototyped in <asm/asm-prototypes.h>?");
            !(unresolved || no_crc || hint)
        })
        .collect()
}

/// `SYMBOL_CRC(name, 0x..., ...)` lines of a `.mod.c`.
fn mod_c_crcs(mod_c: &[u8]) -> HashMap<String, u32> {
    let text = String::from_utf8_lossy(mod_c);
    text.lines()
        .filter_map(|l| l.strip_prefix("SYMBOL_CRC("))
        .map(|l| {
            let f: Vec<&str> = l.split(", ").collect();
            (
                f[0].to_string(),
                u32::from_str_radix(f[1].trim_start_matches("0x"), 16).unwrap(),
            )
        })
        .collect()
}

#[test]
fn cases_match_c_modpost() {
    let work = fixture_work();
    let modpost = work.join("build-6.12/scripts/mod/modpost");
    assert!(
        modpost.exists(),
        "C modpost oracle missing at {}",
        modpost.display()
    );
    let testdata = repo_root().join("testdata/sources");
    let scratch = scratch_dir("cases");
    let minimod = scratch.join("minimod.o");
    let st = Command::new("gcc")
        .args(["-c", "-O2", "-fno-pic", "-o"])
        .arg(&minimod)
        .arg(testdata.join("minimod.c"))
        .status()
        .expect("gcc is needed to build the test module");
    assert!(st.success(), "gcc failed on minimod.c");

    let mut cases: Vec<_> = std::fs::read_dir(testdata.join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 12, "cases missing");
    let exports = [
        "sym_a", "sym_b", "sym_c", "sym_d", "sym_e", "sym_f", "sym_g", "sym_h",
    ];
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let dir = scratch.join(&name);
        copy_tree(case, &dir);
        let args_text = std::fs::read_to_string(dir.join("modpost-args")).unwrap();
        let args: Vec<&str> = args_text.split_whitespace().collect();
        let object = *args.iter().find(|a| a.ends_with(".o")).unwrap();
        std::fs::copy(&minimod, dir.join(object)).unwrap();
        let c = Command::new(&modpost)
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap();
        let c_stderr = filter_c_stderr(&c.stderr);
        let modname = object.strip_suffix(".o").unwrap();
        let c_mod_c = std::fs::read(dir.join(format!("{modname}.mod.c"))).ok();

        // Ours, in C's order: srcversion (with -a), then the CRCs (with -m).
        let mut d = Diags::buffered();
        let mut srcversion = None;
        let mut crcs = None;
        let mut fatal = false;
        if args.contains(&"-a") {
            match get_src_version_in(&dir, modname.as_bytes(), &mut d) {
                Ok(v) => srcversion = v,
                Err(_) => fatal = true,
            }
        }
        if !fatal && args.contains(&"-m") {
            match read_module_crcs_in(&dir, modname.as_bytes(), false, &mut d) {
                Ok(v) => crcs = Some(v),
                Err(_) => fatal = true,
            }
        }
        let ours = d.rendered();
        assert_eq!(ours, c_stderr, "{name}: stderr");
        let error = fatal || ours.contains("ERROR: modpost: ");
        assert_eq!(
            c.status.code(),
            Some(i32::from(error)),
            "{name}: exit status"
        );
        if fatal {
            assert!(
                c_mod_c.is_none(),
                "{name}: C wrote a .mod.c after a fatal error"
            );
            continue;
        }
        let Some(mod_c) = c_mod_c else {
            // C writes no files once an error occurred.
            assert!(error, "{name}: C wrote no {modname}.mod.c");
            continue;
        };
        assert_eq!(srcversion, mod_c_srcversion(&mod_c), "{name}: srcversion");
        if let Some(crcs) = crcs {
            let map: HashMap<Vec<u8>, u32> = crcs.into_iter().collect();
            let c_crcs = mod_c_crcs(&mod_c);
            for sym in exports {
                let ours = map.get(sym.as_bytes()).copied().unwrap_or(0);
                assert_eq!(Some(&ours), c_crcs.get(sym), "{name}: CRC of {sym}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
