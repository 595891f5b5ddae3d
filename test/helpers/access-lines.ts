/** Access lines of every shape the access parsers meet: the first five come back from their columns, the rest do not. */
export const ACCESS_LINES: readonly string[] = [
  '127.0.0.1 - - [02/Jan/2026:03:04:05 +0000] "GET /a HTTP/1.1" 200 10 "-" "curl/8"',
  '10.0.0.2 - bob [02/Jan/2026:08:34:05 +0530] "POST /b?x=1 HTTP/2.0" 503 - "https://r.example/" "Mozilla/5.0 (X11; Linux)"',
  '10.0.0.3 ident user name [01/Jan/2026:20:04:05 -0700] "GET /with space HTTP/1.0" 404 0 "-" "-"',
  '::1 - - [02/Jan/2026:03:04:05 +0000] "GET /no-protocol" 200 5 "-" "x"',
  'host.example - - [02/Jan/2026:03:04:05 +0000] "GET /common HTTP/1.1" 304 -',
  // Kept as they came: an escaped quote, an empty referrer, a -0000 zone, trailing text, a CR, a
  // request that is not a request line, doubled spaces, an unknown line.
  '10.0.0.4 - - [02/Jan/2026:03:04:05 +0000] "GET /q=\\"x\\" HTTP/1.1" 200 1 "-" "a \\"b\\""',
  '10.0.0.5 - - [02/Jan/2026:03:04:05 +0000] "GET / HTTP/1.1" 200 1 "" "ua"',
  '10.0.0.6 - - [02/Jan/2026:03:04:05 -0000] "GET / HTTP/1.1" 200 1 "-" "ua"',
  '10.0.0.7 - - [02/Jan/2026:03:04:05 +0000] "GET / HTTP/1.1" 200 1 "-" "ua" "10.1.1.1"',
  '10.0.0.8 - - [02/Jan/2026:03:04:05 +0000] "GET / HTTP/1.1" 200 1 "-" "ua"\r',
  '10.0.0.9 - - [02/Jan/2026:03:04:05 +0000] "-" 400 0 "-" "-"',
  '10.0.0.10 - - [02/Jan/2026:03:04:05 +0000] "GET / HTTP/1.1" 200  1 "-" "ua"',
  'not an access line at all',
];
