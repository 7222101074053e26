//! The built book in a real browser: Debian's `chromium`, headless, driven through `chromedriver`
//! (WebDriver, with the `fantoccini` client), reading the book from a server on 127.0.0.1.
//!
//! 1. Every page loads with no console error. Errors are read from chromedriver's browser log
//!    (`goog:loggingPrefs` `browser: ALL`, fetched with `POST /session/{id}/se/log` after each
//!    page): it holds uncaught exceptions, `console.error` and failed loads (a 404 for a script,
//!    a stylesheet, an image), from the first byte of the page on, which a `window.onerror` put
//!    in after the load would miss.
//! 2. Searching for "fork" (click the search icon, type) lists pages of chapter 03.
//! 3. Clicking each link of the sidebar, one after the other, reaches every page of the book, each
//!    with the title the sidebar gave it and a heading.
//! 4. Every chart (`<img>` of `bench/*.svg`, or of a chapter's timeline `output/*.timeline.svg`)
//!    is displayed with a non-zero size, and every chart of `bench/` is on some page.
//! 5. Every block of Rust or Python code fits the page's column: no reader scrolls sideways to
//!    read the code (`rustfmt.toml`'s `max_width = 86` is this width; comments and strings are
//!    kept within it by hand). Program output (`console`, `text`) may be wider.
//!
//! Without chromium or chromedriver the test is skipped with a message (`cargo test` on a
//! learner's machine), unless `CI` is set: then it fails, since `.ci/run` installs them.

use book_browser_test::{build_book, html_pages};
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the whole browser session may take before it is stopped and the test fails.
const WATCHDOG: Duration = Duration::from_secs(600);

/// The flags for a headless chromium as root on a machine without a network.
const CHROMIUM_FLAGS: [&str; 10] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    // Wide enough for mdBook to show the sidebar.
    "--window-size=1400,1000",
];

/// Writes a line to stderr past the test harness's capture (`eprintln!` is captured), so a
/// skipped run and the checks' summary show in `cargo test`'s output.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "browser test: {line}");
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// `name` as the shell would find it on `PATH`, or the path in the environment variable `var`.
fn program(var: &str, name: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(var) {
        return Some(PathBuf::from(path));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// chromium and chromedriver, or `None` (test skipped) when one is missing outside CI.
fn browser_or_skip() -> Option<(PathBuf, PathBuf)> {
    let chromium = program("CHROMIUM", "chromium");
    let driver = program("CHROMEDRIVER", "chromedriver");
    if let (Some(chromium), Some(driver)) = (&chromium, &driver) {
        return Some((chromium.clone(), driver.clone()));
    }
    let missing: Vec<&str> = [("chromium", &chromium), ("chromedriver", &driver)]
        .iter()
        .filter(|(_, p)| p.is_none())
        .map(|(n, _)| *n)
        .collect();
    let msg = format!(
        "{} not found on PATH (on Debian or Ubuntu: `apt-get install chromium chromium-driver`)",
        missing.join(" and ")
    );
    if in_ci() {
        panic!(
            "CI is set, and {msg}: the browser test must run in CI (.ci/run installs them)"
        );
    }
    say(&format!("SKIPPED: {msg}"));
    None
}

/// A `chromedriver` child on a free port of 127.0.0.1. Dropping it ends every browser session it
/// started (its `/shutdown` endpoint), then kills its process group and reaps it, on every path.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(path: &Path) -> Driver {
        // Chromium's helpers (crash handler, zygote) leave their parent and would be reparented
        // to init, which on some machines never reaps them: make them ours to reap instead.
        #[cfg(target_os = "linux")]
        // SAFETY: prctl(PR_SET_CHILD_SUBREAPER) takes plain integers and changes only how this
        // process's orphaned descendants are reparented.
        unsafe {
            libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        }
        let mut last_error = String::new();
        // A free port can be taken between our probe and chromedriver's bind: try a few.
        for _ in 0..5 {
            let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .and_then(|l| l.local_addr())
                .expect("a free port on 127.0.0.1")
                .port();
            let child = Command::new(path)
                .arg(format!("--port={port}"))
                .arg("--allowed-ips=127.0.0.1")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                // Its own process group, so that the browser it starts can be killed with it.
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("starting {}: {e}", path.display()));
            let mut driver = Driver { child, port };
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if let Ok(Some(status)) = driver.child.try_wait() {
                    let mut err = String::new();
                    if let Some(mut stderr) = driver.child.stderr.take() {
                        let _ = stderr.read_to_string(&mut err);
                    }
                    last_error = format!("chromedriver exited ({status}): {err}");
                    break;
                }
                if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
                    return driver;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if last_error.is_empty() {
                last_error =
                    format!("chromedriver did not listen on port {port} within 20 s");
            }
        }
        panic!("{last_error}");
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Ask chromedriver to quit its browsers and exit.
        if let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let _ = stream
                .write_all(b"GET /shutdown HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
            let _ = stream.read_to_end(&mut Vec::new());
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(20));
        }
        // Whatever is left of the group (chromedriver, a browser) goes now.
        let pgid = self.child.id() as libc::pid_t;
        // SAFETY: kill(2) with a negative pid signals the process group we created for the
        // driver (`process_group(0)` made its pid the group id); no memory is involved.
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
        let _ = self.child.wait();
        reap_descendants();
    }
}

/// Waits for the browser's processes that were reparented to this one (see `Driver::start`),
/// killing those still running after a grace period, until this process has no child left.
fn reap_descendants() {
    let patience = Instant::now() + Duration::from_secs(3);
    let deadline = patience + Duration::from_secs(5);
    while Instant::now() < deadline {
        let children = support::children();
        if children.is_empty() {
            return;
        }
        for child in children {
            if child.state != 'Z' && Instant::now() > patience {
                // SAFETY: kill(2) on a pid that /proc shows as our own child; no memory involved.
                unsafe { libc::kill(child.pid, libc::SIGKILL) };
            }
            // SAFETY: waitpid(2) with a null status pointer (allowed) and WNOHANG, on our child.
            unsafe { libc::waitpid(child.pid, std::ptr::null_mut(), libc::WNOHANG) };
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reads (and empties) the browser's console log: chromedriver's `POST /session/{id}/se/log`.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"type": "browser"}).to_string()),
        )
    }
}

/// One console message: its level (`SEVERE`, `WARNING`, `INFO`...) and text.
#[derive(Debug)]
struct LogEntry {
    level: String,
    message: String,
}

async fn browser_log(client: &Client) -> Result<Vec<LogEntry>, String> {
    let value = client
        .issue_cmd(BrowserLog)
        .await
        .map_err(|e| format!("reading the browser log: {e}"))?;
    let entries = value.as_array().ok_or("the browser log is not a list")?;
    Ok(entries
        .iter()
        .map(|e| LogEntry {
            level: e["level"].as_str().unwrap_or("").to_string(),
            message: e["message"].as_str().unwrap_or("").to_string(),
        })
        .collect())
}

/// Does `message` name a URL of another site than ours (`origin`)?
fn names_other_site(message: &str, origin: &str) -> bool {
    message.split_whitespace().any(|w| {
        (w.starts_with("http://") || w.starts_with("https://"))
            && !w.starts_with(origin)
    })
}

/// Runs a script that calls back (`arguments[arguments.length - 1]`) with a JSON value.
async fn script(client: &Client, js: &str) -> Result<Value, String> {
    client
        .execute_async(js, vec![])
        .await
        .map_err(|e| format!("running a script: {e}"))
}

/// What a reader sees of a page after it loaded: its charts, once decoded.
const CHARTS_JS: &str = r#"
const done = arguments[arguments.length - 1];
const charts = [...document.querySelectorAll('img')]
  .filter(img => /(^|\/)(bench\/[^\/]+|output\/[^\/]+\.timeline)\.svg$/
    .test(img.getAttribute('src') || ''));
Promise.all(charts.map(img => {
  img.scrollIntoView({block: 'center'});
  return img.decode().then(() => '', e => String(e));
})).then(errors => done(charts.map((img, i) => {
  const r = img.getBoundingClientRect();
  return {src: img.getAttribute('src'), naturalWidth: img.naturalWidth,
          naturalHeight: img.naturalHeight, width: r.width, height: r.height, error: errors[i]};
})));
"#;

/// The blocks of Rust or Python code wider than their box (the reader scrolls sideways),
/// each with its longest line.
const WIDE_CODE_JS: &str = r#"
const done = arguments[arguments.length - 1];
done([...document.querySelectorAll('pre > code.language-rust, pre > code.language-python')]
  .filter(code => code.scrollWidth > code.clientWidth + 1)
  .map(code => {
    const lines = code.innerText.split('\n');
    const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), '');
    return {box: code.clientWidth, content: code.scrollWidth, chars: longest.length,
            line: longest.trim()};
  }));
"#;

/// Lets the page's own timers and promises run, then calls back.
const SETTLE_JS: &str = r#"
const done = arguments[arguments.length - 1];
requestAnimationFrame(() => setTimeout(() => done(document.readyState), 200));
"#;

#[derive(Default)]
struct Findings {
    failures: Vec<String>,
    notes: Vec<String>,
}

impl Findings {
    fn fail(&mut self, check: &str, what: String) {
        self.failures.push(format!("[{check}] {what}"));
    }
}

/// The console check is not blind: an error thrown by a page is in the log that is read.
async fn probe_console(client: &Client, base: &str) -> Result<(), String> {
    client
        .goto(&format!("{base}index.html"))
        .await
        .map_err(|e| format!("loading index.html: {e}"))?;
    browser_log(client).await?;
    client
        .execute(
            "setTimeout(() => { throw new Error('browser-test probe'); }, 0);",
            vec![],
        )
        .await
        .map_err(|e| format!("throwing the probe: {e}"))?;
    script(client, SETTLE_JS).await?;
    let log = browser_log(client).await?;
    if log
        .iter()
        .any(|e| e.level == "SEVERE" && e.message.contains("browser-test probe"))
    {
        Ok(())
    } else {
        Err(format!(
            "an error thrown by a page did not reach the browser log, so the console check \
             would see nothing; the log held: {log:?}"
        ))
    }
}

/// 1, 4 and 5: every page loads with no console error, shows its charts, and its code fits.
async fn pages_and_charts(
    client: &Client,
    base: &str,
    book: &Path,
    pages: &[String],
    found: &mut Findings,
) -> Result<(), String> {
    let mut charts_seen = BTreeSet::new();
    let mut offsite = BTreeSet::new();
    let origin = base.trim_end_matches('/');
    probe_console(client, base).await?;
    let mut loaded = 0;
    for page in pages {
        if page == "toc.html" {
            // The sidebar for readers without JavaScript, shown in an iframe, never as a page
            // (as a page, the browser asks the server root for a favicon it does not link).
            continue;
        }
        client
            .goto(&format!("{base}{page}"))
            .await
            .map_err(|e| format!("loading {page}: {e}"))?;
        script(client, SETTLE_JS).await?;
        loaded += 1;
        let charts = script(client, CHARTS_JS).await?;
        // mdBook writes each image twice: the one in the text, and a copy hidden until the
        // reader clicks it to zoom. A chart is displayed when one of its copies is.
        let mut by_src: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
        for chart in charts.as_array().into_iter().flatten() {
            by_src
                .entry(chart["src"].as_str().unwrap_or("?"))
                .or_default()
                .push(chart);
        }
        for (src, copies) in by_src {
            let shown = copies.iter().any(|c| {
                c["error"].as_str().is_some_and(str::is_empty)
                    && ["naturalWidth", "naturalHeight", "width", "height"]
                        .iter()
                        .all(|k| c[k].as_f64().unwrap_or(0.0) > 0.0)
            });
            if !shown {
                found.fail(
                    "charts",
                    format!("{page}: {src} is not displayed: {copies:?}"),
                );
            } else if let Some(name) = src.rsplit('/').next() {
                charts_seen.insert(name.to_string());
            }
        }
        for wide in script(client, WIDE_CODE_JS)
            .await?
            .as_array()
            .into_iter()
            .flatten()
        {
            found.fail(
                "code width",
                format!(
                    "{page}: a code block is {} px wide in a {} px box (a line of {} \
                     characters; the column holds 86): {}",
                    wide["content"],
                    wide["box"],
                    wide["chars"],
                    wide["line"].as_str().unwrap_or("?")
                ),
            );
        }
        let log = browser_log(client).await?;
        // The playground's crate list (https://play.rust-lang.org) cannot be fetched on a
        // machine without a network: mdBook logs the failed load and its promise's rejection.
        let blocked_offsite = log
            .iter()
            .any(|e| e.level == "SEVERE" && names_other_site(&e.message, origin));
        for entry in log.iter().filter(|e| e.level == "SEVERE") {
            if names_other_site(&entry.message, origin)
                || (blocked_offsite && entry.message.contains("Failed to fetch"))
            {
                offsite.insert(entry.message.clone());
            } else {
                found.fail("console", format!("{page}: {}", entry.message));
            }
        }
    }
    let all_charts: BTreeSet<String> = std::fs::read_dir(book.join("bench"))
        .map_err(|e| format!("reading bench/: {e}"))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".svg"))
        .collect();
    if all_charts.is_empty() {
        found.fail("charts", "the book has no chart in bench/".into());
    }
    for missing in all_charts.difference(&charts_seen) {
        found.fail("charts", format!("bench/{missing} is displayed on no page"));
    }
    found.notes.push(format!(
        "{loaded} pages loaded with no console error; {} charts displayed: {}",
        charts_seen.len(),
        charts_seen.iter().cloned().collect::<Vec<_>>().join(", ")
    ));
    if !offsite.is_empty() {
        found.notes.push(format!(
            "ignored {} console error(s) about other sites, unreachable from a machine without \
             a network: {}",
            offsite.len(),
            offsite.into_iter().collect::<Vec<_>>().join(" | ")
        ));
    }
    Ok(())
}

/// Hrefs (absolute) of the links listed under the search box.
const RESULTS_JS: &str = r#"
const done = arguments[arguments.length - 1];
done([...document.querySelectorAll('#mdbook-searchresults a')].map(a => a.href));
"#;

/// 2: searching for "fork" lists pages of chapter 03.
async fn search(
    client: &Client,
    base: &str,
    found: &mut Findings,
) -> Result<(), String> {
    client
        .goto(&format!("{base}index.html"))
        .await
        .map_err(|e| format!("loading index.html: {e}"))?;
    client
        .find(Locator::Id("mdbook-search-toggle"))
        .await
        .map_err(|e| format!("the search icon: {e}"))?
        .click()
        .await
        .map_err(|e| format!("clicking the search icon: {e}"))?;
    let bar = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("mdbook-searchbar"))
        .await
        .map_err(|e| format!("the search box: {e}"))?;
    bar.send_keys("fork")
        .await
        .map_err(|e| format!("typing into the search box: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut results = Vec::new();
    while Instant::now() < deadline {
        results = script(client, RESULTS_JS)
            .await?
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        if !results.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ch03: BTreeSet<&str> = results
        .iter()
        .filter(|h| h.contains("/ch03-processes/"))
        .map(|h| {
            let path = h.split(['#', '?']).next().unwrap_or(h);
            path.rsplit("/ch03-processes/").next().unwrap_or(path)
        })
        .collect();
    if ch03.is_empty() {
        found.fail(
            "search",
            format!("\"fork\" found no page of chapter 03; results: {results:?}"),
        );
    }
    found.notes.push(format!(
        "search \"fork\": {} results, chapter 03 pages among them: {}",
        results.len(),
        ch03.into_iter().collect::<Vec<_>>().join(", ")
    ));
    Ok(())
}

/// Sidebar links (absolute href, text without the section number), in order.
const SIDEBAR_JS: &str = r#"
const done = arguments[arguments.length - 1];
done([...document.querySelectorAll('#mdbook-sidebar a[href]')]
  .filter(a => a.href.startsWith(location.origin))
  .map(a => {
    const c = a.cloneNode(true);
    c.querySelectorAll('strong').forEach(s => s.remove());
    return [a.href, c.textContent.trim()];
  }));
"#;

/// Marks the sidebar link to HREF (a JSON string) with `data-browser-test`; calls back whether
/// there is one.
const MARK_JS: &str = r#"
const done = arguments[arguments.length - 1];
const a = [...document.querySelectorAll('#mdbook-sidebar a[href]')].find(a => a.href === HREF);
if (a) { a.setAttribute('data-browser-test', 'next'); }
done(!!a);
"#;

/// The page's `<h1>` (first heading) text, or "".
const H1_JS: &str = r#"
const done = arguments[arguments.length - 1];
const h = document.querySelector('#mdbook-content h1, main h1, h1');
done(h ? h.textContent.trim() : '');
"#;

/// 3: clicking the sidebar's links one after the other reaches every page of the book.
async fn sidebar(
    client: &Client,
    base: &str,
    pages: &[String],
    title: &str,
    found: &mut Findings,
) -> Result<(), String> {
    client
        .goto(&format!("{base}index.html"))
        .await
        .map_err(|e| format!("loading index.html: {e}"))?;
    let links: Vec<(String, String)> = script(client, SIDEBAR_JS)
        .await?
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|pair| Some((pair[0].as_str()?.into(), pair[1].as_str()?.into())))
        .collect();
    // mdBook also lists the current page's headings in the sidebar (links with a #fragment):
    // those are not chapters.
    let links: Vec<(String, String)> = links
        .into_iter()
        .filter(|(href, _)| !href.contains('#'))
        .collect();
    let mut reached = BTreeSet::new();
    for (href, text) in &links {
        // The sidebar of the current page, whichever it is, must link to the next chapter.
        let marked =
            script(client, &MARK_JS.replace("HREF", &json!(href).to_string()))
                .await?;
        if marked != Value::Bool(true) {
            let here = client.current_url().await.map_err(|e| e.to_string())?;
            found.fail(
                "sidebar",
                format!("the sidebar of {here} has no link to {href} ({text})"),
            );
            continue;
        }
        let link = client
            .find(Locator::Css("#mdbook-sidebar a[data-browser-test]"))
            .await
            .map_err(|e| format!("the marked sidebar link: {e}"))?;
        if let Err(e) = link.click().await {
            found.fail("sidebar", format!("clicking {text:?}: {e}"));
            continue;
        }
        let url = client
            .current_url()
            .await
            .map_err(|e| format!("the current URL: {e}"))?;
        if url.as_str() != href {
            found.fail(
                "sidebar",
                format!("clicking {text:?} led to {url}, not {href}"),
            );
            continue;
        }
        let got = client
            .title()
            .await
            .map_err(|e| format!("the title: {e}"))?;
        let want = format!("{text} - {title}");
        if got != want {
            found.fail(
                "sidebar",
                format!("{href}: the title is {got:?}, the sidebar says {want:?}"),
            );
        }
        let h1 = script(client, H1_JS).await?;
        if h1.as_str().unwrap_or("").is_empty() {
            found.fail("sidebar", format!("{href} has no <h1>"));
        }
        reached.insert(href.strip_prefix(base).unwrap_or(href).to_string());
    }
    // Every page of the book, but those that are not chapters.
    let chapters: BTreeSet<String> = pages
        .iter()
        .filter(|p| {
            !["index.html", "print.html", "toc.html", "404.html"]
                .contains(&p.as_str())
        })
        .cloned()
        .collect();
    for unreached in chapters.difference(&reached) {
        found.fail(
            "sidebar",
            format!("{unreached} is not reached from the sidebar"),
        );
    }
    found.notes.push(format!(
        "sidebar: {} links clicked, {} of {} chapter pages reached",
        links.len(),
        chapters.intersection(&reached).count(),
        chapters.len()
    ));
    Ok(())
}

async fn session(
    driver: &Driver,
    chromium: &Path,
    profile: &Path,
) -> Result<Client, String> {
    let mut args: Vec<String> =
        CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {"binary": chromium, "args": args},
        "goog:loggingPrefs": {"browser": "ALL"},
        "timeouts": {"pageLoad": 60_000, "script": 30_000, "implicit": 0},
    });
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    let caps: Capabilities = caps;
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url())
        .await
        .map_err(|e| format!("starting a chromium session through chromedriver: {e}"))
}

#[test]
fn the_book_in_a_real_browser() {
    let Some((chromium, chromedriver)) = browser_or_skip() else {
        return;
    };
    let started = Instant::now();
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let book = tmp.join("book-browser");
    build_book(&book).expect("the book builds");
    let pages = html_pages(&book).unwrap();
    let built = started.elapsed();
    let server = course::serve::Server::start(
        &book,
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .expect("serving the book on 127.0.0.1");
    let base = format!("http://{}/", server.addr());
    // In target/, so that `.ci/run`'s "no process left behind" would name a leftover browser.
    let profile = tempfile::tempdir_in(tmp).unwrap();
    let driver = Driver::start(&chromedriver);
    let title = course::book::load(&book_browser_test::root(), None)
        .expect("reading book.toml")
        .config
        .book
        .title
        .expect("book.toml names the book's title");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut found = Findings::default();
    let outcome = runtime.block_on(async {
        let run = async {
            let client = session(&driver, &chromium, profile.path()).await?;
            let checks = async {
                pages_and_charts(&client, &base, &book, &pages, &mut found).await?;
                search(&client, &base, &mut found).await?;
                sidebar(&client, &base, &pages, &title, &mut found).await
            }
            .await;
            let _ = client.close().await;
            checks
        };
        tokio::time::timeout(WATCHDOG, run)
            .await
            .unwrap_or_else(|_| {
                Err(format!("the browser session took longer than {WATCHDOG:?}"))
            })
    });
    drop(driver); // every path: chromedriver and its browser are gone and reaped here
    server.shutdown().unwrap();
    let left = support::children();
    assert!(
        left.is_empty(),
        "the browser left processes behind after chromedriver ended: {left:?}"
    );

    for note in &found.notes {
        say(note);
    }
    say(&format!(
        "book built in {:.1} s, checks done in {:.1} s (chromium through chromedriver)",
        built.as_secs_f64(),
        (started.elapsed() - built).as_secs_f64()
    ));
    if let Err(e) = outcome {
        panic!("the browser could not finish its checks: {e}");
    }
    assert!(
        found.failures.is_empty(),
        "{} problem(s) in the book as a browser shows it:\n{}",
        found.failures.len(),
        found.failures.join("\n")
    );
}
