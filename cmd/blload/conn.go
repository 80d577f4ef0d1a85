package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"
)

// conn is one keep-alive HTTP/1.1 connection sending the same request over
// and over: the request's bytes are written once into wire and reused, and
// the response is read with a reused buffer (status line, Content-Length
// or chunked body, discarded). It is what wrk does, so that the loader
// costs the core it runs on as little as it can per request: net/http's
// client builds a request, a header map and a response per call, and on a
// shared machine that cost shows up in the server's figure.
type conn struct {
	addr string
	wire []byte
	c    net.Conn
	r    *bufio.Reader
	line []byte
}

// newConn prepares the request: method on u with the given body and
// bearer key (none when empty).
func newConn(method string, u *url.URL, key string, body []byte) *conn {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: blload\r\nAccept: */*\r\n", method, u.RequestURI(), u.Host)
	if key != "" {
		fmt.Fprintf(&b, "Authorization: Bearer %s\r\n", key)
	}
	if len(body) > 0 || method == "POST" || method == "PUT" {
		fmt.Fprintf(&b, "Content-Type: application/json\r\nContent-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.Write(body)
	return &conn{addr: u.Host, wire: b.Bytes()}
}

// do sends the request once and reads the whole response, dialling again
// when the server closed the connection. It returns the status code.
func (c *conn) do() (int, error) {
	if c.c == nil {
		nc, err := net.DialTimeout("tcp", c.addr, 10*time.Second)
		if err != nil {
			return 0, err
		}
		c.c = nc
		if c.r == nil {
			c.r = bufio.NewReaderSize(nc, 64<<10)
		} else {
			c.r.Reset(nc)
		}
	}
	c.c.SetDeadline(time.Now().Add(time.Minute))
	if _, err := c.c.Write(c.wire); err != nil {
		c.close()
		return 0, err
	}
	code, keep, err := c.read()
	if err != nil || !keep {
		c.close()
	}
	return code, err
}

func (c *conn) close() {
	if c.c != nil {
		c.c.Close()
		c.c = nil
	}
}

var errBadResponse = errors.New("malformed HTTP response")

// read reads one response: status line, headers, body.
func (c *conn) read() (code int, keep bool, err error) {
	line, err := c.readLine()
	if err != nil {
		return 0, false, err
	}
	// "HTTP/1.1 200 OK"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, false, errBadResponse
	}
	code, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, false, errBadResponse
	}
	keep = line[7] == '1'
	length, chunked := -1, false
	for {
		line, err = c.readLine()
		if err != nil {
			return code, false, err
		}
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return code, false, errBadResponse
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return code, false, errBadResponse
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		}
	}
	switch {
	case chunked:
		for {
			line, err = c.readLine()
			if err != nil {
				return code, false, err
			}
			size, _, _ := bytes.Cut(line, []byte(";"))
			n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 64)
			if err != nil {
				return code, false, errBadResponse
			}
			if n == 0 {
				for { // trailers, then the empty line
					if line, err = c.readLine(); err != nil || len(line) == 0 {
						return code, keep && err == nil, err
					}
				}
			}
			if _, err := c.r.Discard(int(n)); err != nil {
				return code, false, err
			}
			if line, err = c.readLine(); err != nil || len(line) != 0 {
				return code, false, errors.Join(err, errBadResponse)
			}
		}
	case length >= 0:
		_, err = c.r.Discard(length)
		return code, keep && err == nil, err
	default: // body until the server closes
		_, err = io.Copy(io.Discard, c.r)
		return code, false, err
	}
}

// readLine returns one line without its CRLF, valid until the next read.
func (c *conn) readLine() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		c.line = append(c.line[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = c.r.ReadSlice('\n')
			c.line = append(c.line, line...)
		}
		line = c.line
	}
	if err != nil {
		return nil, err
	}
	return bytes.TrimRight(line, "\r\n"), nil
}
