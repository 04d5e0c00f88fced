// A Go test of "your backend" against the smskit sandbox: start it from its ready file, send
// with the signing snippet's sign() (send_sms_code.go, same package, next to this file), assert
// on the outbox and the request log, and move the sandbox's clock instead of sleeping.
//
//	smskit snippet --lang go > send_sms_code.go
//	go test -v .
//
// SMSKIT_COMMAND names the smskit executable (default: smskit on PATH). Standard library only.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const apiPath = "/v2/sms/enduserapi/v2/sendPhoneSmsCode"

// readyFile is what `smskit sandbox --ready-file` writes once it listens.
type readyFile struct {
	URL        string `json:"url"`
	DemoDomain string `json:"demoDomain"`
	Domains    []struct {
		Name   string `json:"name"`
		Secret string `json:"secret"` // sandbox-only: useless against the real platform
	} `json:"domains"`
}

var sandbox struct {
	url, domain, secret string
}

func TestMain(m *testing.M) {
	os.Exit(runWithSandbox(m))
}

func runWithSandbox(m *testing.M) int {
	dir, err := os.MkdirTemp("", "sms-sandbox")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	ready := filepath.Join(dir, "sandbox.json")
	smskit := os.Getenv("SMSKIT_COMMAND")
	if smskit == "" {
		smskit = "smskit"
	}
	cmd := exec.Command(smskit, "sandbox", "--port", "0", "--quiet", "--ready-file", ready)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "cannot start the sandbox:", err)
		return 1
	}
	defer func() { // SIGTERM: the sandbox exits cleanly and removes its ready file
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	var info readyFile
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if text, err := os.ReadFile(ready); err == nil { // written atomically once listening
			if err := json.Unmarshal(text, &info); err != nil {
				fmt.Fprintln(os.Stderr, "unreadable ready file:", err)
				return 1
			}
			break
		}
		if time.Now().After(deadline) {
			fmt.Fprintln(os.Stderr, "no ready file within 20 s")
			return 1
		}
	}
	sandbox.url, sandbox.domain = info.URL, info.DemoDomain
	for _, domain := range info.Domains {
		if domain.Name == info.DemoDomain {
			sandbox.secret = domain.Secret
		}
	}
	return m.Run()
}

// call sends a JSON body (POST) or none (GET) to a sandbox path and decodes its JSON answer.
func call(t *testing.T, method, path, body string, answer any) {
	t.Helper()
	request, err := http.NewRequest(method, sandbox.url+path, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	request.Header.Set("Content-Type", "application/json")
	response, err := (&http.Client{Timeout: 10 * time.Second}).Do(request)
	if err != nil {
		t.Fatal(err)
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: HTTP %d", method, path, response.StatusCode)
	}
	if err := json.NewDecoder(response.Body).Decode(answer); err != nil {
		t.Fatal(err)
	}
}

func reset(t *testing.T) {
	var done map[string]any
	call(t, http.MethodPost, "/_sandbox/reset", `{"parts": "all"}`, &done)
}

// sendCode is your backend's send: the snippet's sign(), one POST, parameters in the query.
func sendCode(t *testing.T, phone, codeType string, uppercase bool) int {
	t.Helper()
	random := newRandom()
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	signature := sign(phone, codeType, random, ts, sandbox.secret)
	if uppercase {
		signature = strings.ToUpper(signature)
	}
	query := url.Values{"codeType": {codeType}, "internationalCode": {"86"}, "phone": {phone},
		"random": {random}, "signature": {signature}, "ts": {ts}, "userDomain": {sandbox.domain}}
	var envelope struct {
		Code int `json:"code"`
	}
	call(t, http.MethodPost, apiPath+"?"+query.Encode(), "", &envelope)
	return envelope.Code
}

type outbox struct {
	Deliveries []struct {
		Code     string `json:"code"`
		CodeType int    `json:"codeType"`
		Status   string `json:"status"`
	} `json:"deliveries"`
}

func TestACodeIsDeliveredToTheOutbox(t *testing.T) {
	reset(t)
	if code := sendCode(t, "13800138001", "3", false); code != 200 {
		t.Fatalf("answer code %d, want 200", code)
	}
	var box outbox
	call(t, http.MethodGet, "/_sandbox/outbox?phone=13800138001", "", &box)
	if len(box.Deliveries) != 1 || len(box.Deliveries[0].Code) != 6 || box.Deliveries[0].CodeType != 3 {
		t.Fatalf("outbox %+v, want one 6-digit code of type 3", box)
	}
}

func TestAPlantedMistakeIsDiagnosedInTheRequestLog(t *testing.T) {
	reset(t)
	if code := sendCode(t, "13800138002", "3", true); code != 5420 {
		t.Fatalf("answer code %d, want 5420", code)
	}
	var log struct {
		Requests []struct {
			Check     string `json:"check"`
			Diagnosis *struct {
				MistakeID string `json:"mistakeId"`
			} `json:"diagnosis"`
		} `json:"requests"`
	}
	call(t, http.MethodGet, "/_sandbox/requests?phone=13800138002", "", &log)
	if len(log.Requests) != 1 || log.Requests[0].Check != "signature" ||
		log.Requests[0].Diagnosis == nil || log.Requests[0].Diagnosis.MistakeID != "uppercase-hex" {
		t.Fatalf("request log %+v, want one signature refusal diagnosed as uppercase-hex", log)
	}
}

func TestACodeExpiresAfterFiveMinutesWithoutSleeping(t *testing.T) {
	reset(t)
	var clock map[string]any
	call(t, http.MethodPost, "/_sandbox/clock", `{"frozen": true}`, &clock)
	if code := sendCode(t, "13800138003", "2", false); code != 200 {
		t.Fatalf("answer code %d, want 200", code)
	}
	var box outbox
	call(t, http.MethodGet, "/_sandbox/outbox?phone=13800138003", "", &box)
	call(t, http.MethodPost, "/_sandbox/clock", `{"advanceMs": 300000}`, &clock)
	var verdict struct {
		Ok     bool   `json:"ok"`
		Status string `json:"status"`
	}
	body := fmt.Sprintf(`{"phone": "13800138003", "codeType": 2, "code": %q}`, box.Deliveries[0].Code)
	call(t, http.MethodPost, "/_sandbox/verify", body, &verdict)
	if verdict.Ok || verdict.Status != "expired" {
		t.Fatalf("verify %+v, want expired", verdict)
	}
}
