use super::*;

fn ch(number: u32, name: &str) -> Chapter {
    Chapter {
        number,
        name: name.into(),
    }
}

fn ex(chapter: &str, dir: &str, package: &str) -> Exercise {
    Exercise {
        chapter: chapter.into(),
        dir: dir.into(),
        package: package.into(),
    }
}

#[test]
fn chapter_numbers() {
    assert_eq!(chapter_number("ch01-sequential"), Some(1));
    assert_eq!(chapter_number("ch12-process-trait"), Some(12));
    assert_eq!(chapter_number("ch1-x"), None);
    assert_eq!(chapter_number("workloads"), None);
    assert_eq!(chapter_number("ch01-"), None);
    assert_eq!(chapter_number("ch01-Upper"), None);
}

#[test]
fn chapter_names_resolve_in_every_accepted_form() {
    let chapters = [ch(1, "ch01-sequential"), ch(2, "ch02-threads")];
    for q in ["ch02", "02", "2", "ch02-threads", "ch02-threads/"] {
        assert_eq!(
            resolve_chapter(&chapters, q).unwrap().name,
            "ch02-threads",
            "{q}"
        );
    }
}

#[test]
fn unknown_chapter_lists_valid_names() {
    let chapters = [ch(1, "ch01-sequential"), ch(2, "ch02-threads")];
    let err = resolve_chapter(&chapters, "ch09").unwrap_err().to_string();
    assert!(err.contains("unknown chapter `ch09`"), "{err}");
    assert!(err.contains("ch01-sequential (or ch01, 01)"), "{err}");
    assert!(err.contains("ch02-threads"), "{err}");
    let err = resolve_chapter(&chapters, "ch02-thread")
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown chapter"), "{err}");
    let err = resolve_chapter(&[], "ch01").unwrap_err().to_string();
    assert!(err.contains("no chapters"), "{err}");
}

#[test]
fn exercise_names_resolve_and_errors_list_valid_names() {
    let all = [
        ex("ch01-sequential", "ex01-timed", "ch01-ex01-timed"),
        ex("ch01-sequential", "ex02-makespan", "ch01-ex02-makespan"),
    ];
    assert_eq!(
        resolve_exercise(&all, "ch01-ex02").unwrap().dir,
        "ex02-makespan"
    );
    assert_eq!(
        resolve_exercise(&all, "ch01-ex01-timed").unwrap().dir,
        "ex01-timed"
    );
    let err = resolve_exercise(&all, "ch01-ex1").unwrap_err().to_string();
    assert!(err.contains("Did you mean ch01-ex01?"), "{err}");
    let err = resolve_exercise(&all, "ch01-ex02-makspan")
        .unwrap_err()
        .to_string();
    assert!(err.contains("Did you mean ch01-ex02-makespan?"), "{err}");
    let err = resolve_exercise(&all, "hello").unwrap_err().to_string();
    assert!(!err.contains("Did you mean"), "{err}");
    let err = resolve_exercise(&all, "ch01-ex03").unwrap_err().to_string();
    assert!(err.contains("unknown exercise `ch01-ex03`"), "{err}");
    assert!(err.contains("ch01-ex01-timed (or ch01-ex01)"), "{err}");
    assert!(err.contains("ch01-ex02-makespan"), "{err}");
}

#[test]
fn titles_come_from_summary() {
    let titles = summary_titles(
        "# Summary\n- [Sequential: the honest baseline](ch01-sequential/index.md)\n  - [The Rust version](ch01-sequential/rust.md)\n- [Starmap]()\n",
    );
    assert_eq!(titles["ch01-sequential"], "Sequential: the honest baseline");
    assert_eq!(titles.len(), 1);
}
