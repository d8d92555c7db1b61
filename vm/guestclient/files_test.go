package guestclient

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

func TestReadReturnsTheResult(t *testing.T) {
	c, err := connect(t, hostileGuest{respond: func(st net.Conn, _ guestproto.Request) {
		guestproto.WriteMessage(st, guestproto.Response{Result: json.RawMessage(`{"size":100,"truncated":true,"binary":false,"mime":"text/plain; charset=utf-8"}`), Data: true})
		guestproto.WriteData(st, strings.NewReader("0123456789"))
	}})
	if err != nil {
		t.Fatal(err)
	}
	var sink strings.Builder
	r, n, err := c.Read(context.Background(), guestproto.ReadArgs{PathArgs: guestproto.PathArgs{Mount: "m", Path: "f"}, Limit: 10}, &sink)
	if err != nil || n != 10 || sink.String() != "0123456789" || !r.Truncated || r.Size != 100 || r.MIME != "text/plain; charset=utf-8" {
		t.Errorf("Read = %+v, %d, %v", r, n, err)
	}
}

func TestReadRejectsImplausibleResult(t *testing.T) {
	c, err := connect(t, hostileGuest{respond: func(st net.Conn, _ guestproto.Request) {
		res, _ := json.Marshal(guestproto.ReadResult{Size: 1, MIME: strings.Repeat("x", 10_000)})
		guestproto.WriteMessage(st, guestproto.Response{Result: res, Data: true})
		guestproto.WriteData(st, strings.NewReader("x"))
	}})
	if err != nil {
		t.Fatal(err)
	}
	var sink strings.Builder
	_, _, err = c.Read(context.Background(), guestproto.ReadArgs{PathArgs: guestproto.PathArgs{Mount: "m", Path: "f"}}, &sink)
	if !errors.Is(err, guestproto.ErrFrame) {
		t.Errorf("err = %v, want a protocol violation", err)
	}
	select {
	case <-c.Done():
	case <-time.After(2 * time.Second):
		t.Error("channel still open after a protocol violation")
	}
}

func TestTypedCalls(t *testing.T) {
	c, err := connect(t, hostileGuest{respond: func(st net.Conn, req guestproto.Request) {
		switch req.Op {
		case guestproto.OpStat:
			guestproto.WriteMessage(st, guestproto.Response{Result: json.RawMessage(`{"name":"f","size":3,"mode":420,"type":"file","modTime":"2024-01-01T00:00:00Z","nlink":2}`)})
		case guestproto.OpDelete:
			guestproto.WriteMessage(st, guestproto.Response{Error: &guestproto.Error{Code: guestproto.CodeConflict, Message: "directory not empty"}})
		default:
			guestproto.WriteMessage(st, guestproto.Response{Result: json.RawMessage(`{"unexpected":1}`)})
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	fi, err := c.Stat(ctx, guestproto.PathArgs{Mount: "m", Path: "f"})
	if err != nil || fi.Name != "f" || fi.Nlink != 2 {
		t.Errorf("Stat = %+v, %v", fi, err)
	}
	if _, err := c.Delete(ctx, guestproto.DeleteArgs{PathArgs: guestproto.PathArgs{Mount: "m", Path: "d"}}); !errors.Is(err, guestproto.ErrConflict) {
		t.Errorf("Delete err = %v, want conflict", err)
	}
	// Unknown fields in a result are a protocol violation.
	if _, err := c.List(ctx, guestproto.ListArgs{PathArgs: guestproto.PathArgs{Mount: "m"}}); !errors.Is(err, guestproto.ErrFrame) {
		t.Errorf("List err = %v, want a protocol violation", err)
	}
}
