//! A minimal HTTP/1.1 server and client over `std::net`, enough for the
//! C2SP tlog-witness protocol: requests with a `Content-Length` body
//! (no chunked encoding), keep-alive, bounded headers and bodies, timeouts.
//! The witness rules live in `consentkit::log::witness`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Largest request or response head (request line and headers).
const MAX_HEAD: usize = 16 * 1024;

/// How long a connection may stay idle or slow.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A parsed request.
pub struct Request {
    pub method: String,
    pub path: String,
    pub body: Vec<u8>,
    pub close: bool,
}

/// A response to write.
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(status: u16, body: impl Into<String>) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.into().into_bytes(),
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        422 => "Unprocessable Entity",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        _ => "Status",
    }
}

/// Reads the head: lines up to the blank line, CRLF or LF endings.
fn read_head<R: BufRead>(r: &mut R) -> Result<Option<Vec<String>>, String> {
    let mut lines = Vec::new();
    let mut total = 0usize;
    loop {
        let mut raw = Vec::new();
        let n = r
            .by_ref()
            .take((MAX_HEAD - total + 1) as u64)
            .read_until(b'\n', &mut raw)
            .map_err(|e| e.to_string())?;
        if n == 0 {
            return if lines.is_empty() {
                Ok(None)
            } else {
                Err("connection closed in the head".into())
            };
        }
        total += n;
        if total > MAX_HEAD {
            return Err("head too large".into());
        }
        let line = String::from_utf8(raw).map_err(|_| "head is not UTF-8".to_owned())?;
        let line = line
            .strip_suffix('\n')
            .ok_or_else(|| "head line not terminated".to_owned())?;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            if lines.is_empty() {
                // Tolerate a stray blank line between requests.
                continue;
            }
            return Ok(Some(lines));
        }
        lines.push(line.to_owned());
    }
}

fn header<'a>(lines: &'a [String], name: &str) -> Option<&'a str> {
    lines.iter().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Reads one request. `Ok(None)` at a clean end of the connection;
/// `Err((status, message))` for a request that cannot be read (the
/// connection is then closed after the answer).
pub fn read_request<R: BufRead>(
    r: &mut R,
    max_body: usize,
) -> Result<Option<Request>, (u16, String)> {
    let Some(lines) = read_head(r).map_err(|e| (400, e))? else {
        return Ok(None);
    };
    let mut parts = lines[0].split(' ');
    let (Some(method), Some(path), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err((400, "malformed request line".into()));
    };
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err((400, format!("unsupported version {version}")));
    }
    if header(&lines, "transfer-encoding").is_some() {
        return Err((501, "transfer encodings are not supported".into()));
    }
    let len = match header(&lines, "content-length") {
        None if method == "POST" => return Err((411, "Content-Length required".into())),
        None => 0,
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| (400, "bad Content-Length".to_owned()))?,
    };
    if len > max_body {
        return Err((413, format!("body over {max_body} bytes")));
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body)
        .map_err(|e| (400, format!("body: {e}")))?;
    let connection = header(&lines, "connection").map(str::to_ascii_lowercase);
    let close = version == "HTTP/1.0" && connection.as_deref() != Some("keep-alive")
        || connection.as_deref() == Some("close");
    Ok(Some(Request {
        method: method.to_owned(),
        path: path.to_owned(),
        body,
        close,
    }))
}

/// Writes a response.
pub fn write_response<W: Write>(w: &mut W, resp: &Response, close: bool) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}\r\n",
        resp.status,
        reason(resp.status),
        resp.content_type,
        resp.body.len(),
        if close { "Connection: close\r\n" } else { "" }
    );
    w.write_all(head.as_bytes())?;
    w.write_all(&resp.body)?;
    w.flush()
}

/// Serves one connection: requests until the client closes or asks to.
pub fn serve_connection(
    stream: TcpStream,
    max_body: usize,
    handle: &dyn Fn(&Request) -> Response,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        match read_request(&mut reader, max_body) {
            Ok(None) => return Ok(()),
            Ok(Some(req)) => {
                let resp = handle(&req);
                write_response(&mut writer, &resp, req.close)?;
                if req.close {
                    return Ok(());
                }
            }
            Err((status, msg)) => {
                let _ = write_response(&mut writer, &Response::text(status, msg + "\n"), true);
                return Ok(());
            }
        }
    }
}

/// A response as a client reads it.
pub struct ClientResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// POSTs `body` to `url` (`http://host[:port][/path]` only) and reads the answer.
pub fn post(url: &str, body: &[u8]) -> Result<ClientResponse, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{url}: only http:// URLs are supported"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let addr = if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let sock = addr
        .to_socket_addrs()
        .map_err(|e| format!("{url}: {e}"))?
        .next()
        .ok_or_else(|| format!("{url}: no address"))?;
    let mut s = TcpStream::connect_timeout(&sock, IO_TIMEOUT).map_err(|e| format!("{url}: {e}"))?;
    s.set_read_timeout(Some(IO_TIMEOUT))
        .and_then(|_| s.set_write_timeout(Some(IO_TIMEOUT)))
        .map_err(|e| format!("{url}: {e}"))?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes())
        .and_then(|_| s.write_all(body))
        .map_err(|e| format!("{url}: {e}"))?;
    let mut r = BufReader::new(s);
    let lines = read_head(&mut r)
        .map_err(|e| format!("{url}: {e}"))?
        .ok_or_else(|| format!("{url}: no answer"))?;
    let status = lines[0]
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse::<u16>().ok())
        .ok_or_else(|| format!("{url}: malformed status line"))?;
    let content_type = header(&lines, "content-type").map(str::to_owned);
    let mut body = Vec::new();
    match header(&lines, "content-length").map(str::parse::<usize>) {
        Some(Ok(n)) if n <= consentkit::log::witness::MAX_REQUEST_SIZE => {
            body.resize(n, 0);
            r.read_exact(&mut body).map_err(|e| format!("{url}: {e}"))?;
        }
        Some(_) => return Err(format!("{url}: bad or too large Content-Length")),
        None => {
            r.take(consentkit::log::witness::MAX_REQUEST_SIZE as u64)
                .read_to_end(&mut body)
                .map_err(|e| format!("{url}: {e}"))?;
        }
    }
    Ok(ClientResponse {
        status,
        content_type,
        body,
    })
}
