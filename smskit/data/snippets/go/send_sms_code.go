// Send a phone SMS verification code (发送手机短信验证码), Go, standard library only.
//
//	export SMSKIT_BASE_URL=https://iot-api.quectelcn.com   # your data centre's URL
//	export SMSKIT_USER_DOMAIN=...  SMSKIT_USER_DOMAIN_SECRET=...
//	go run send_sms_code.go send PHONE CODETYPE [INTERNATIONALCODE]   # internationalCode 86 by default
//	go run send_sms_code.go sign PHONE CODETYPE RANDOM TS             # only print the signature
//
// Exit status: 0 when the platform answers code 200, 1 when it answers anything else or the
// request fails, 2 for bad usage. Never retried: sending an SMS is not idempotent.
package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

const path = "/v2/sms/enduserapi/v2/sendPhoneSmsCode"
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// sign returns 签名: SHA256(phone + codeType + random + ts + userDomainSecret), lowercase hex.
func sign(phone, codeType, random, ts, secret string) string {
	digest := sha256.Sum256([]byte(phone + codeType + random + ts + secret))
	return hex.EncodeToString(digest[:])
}

// newRandom returns 随机数: 16 letters and digits from crypto/rand.
func newRandom() string {
	text := make([]byte, 16)
	for i := range text {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err) // the operating system's random source failed
		}
		text[i] = alphabet[n.Int64()]
	}
	return string(text)
}

func fail(status int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(status)
}

func env(name string) string {
	value := os.Getenv(name)
	if value == "" {
		fail(2, "set %s in the environment", name)
	}
	return value
}

func main() {
	args := os.Args[1:]
	isSend := len(args) >= 3 && len(args) <= 4 && args[0] == "send"
	if !isSend && !(len(args) == 5 && args[0] == "sign") {
		fail(2, "usage: go run send_sms_code.go send PHONE CODETYPE [INTERNATIONALCODE] | sign PHONE CODETYPE RANDOM TS")
	}
	secret := env("SMSKIT_USER_DOMAIN_SECRET") // never print it
	phone, codeType := args[1], args[2]
	if !isSend {
		fmt.Println(sign(phone, codeType, args[3], args[4], secret))
		return
	}
	if len(codeType) != 1 || codeType < "1" || codeType > "5" {
		fail(2, "CODETYPE must be one digit 1-5: it is sent and signed as typed, got "+strconv.Quote(codeType))
	}
	baseURL := strings.TrimRight(env("SMSKIT_BASE_URL"), "/")
	if !strings.HasPrefix(baseURL, "https://") && !strings.HasPrefix(baseURL, "http://") {
		fail(2, "SMSKIT_BASE_URL must be a URL, e.g. https://iot-api.quectelcn.com")
	}
	internationalCode := "86"
	if len(args) == 4 {
		internationalCode = args[3]
	}
	random := newRandom()
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10) // 毫秒时间戳 ts in milliseconds

	query := url.Values{}
	query.Set("codeType", codeType)
	query.Set("internationalCode", internationalCode)
	query.Set("phone", phone)
	query.Set("random", random)
	query.Set("signature", sign(phone, codeType, random, ts, secret))
	query.Set("ts", ts)
	query.Set("userDomain", env("SMSKIT_USER_DOMAIN"))

	// POST, every parameter in the query string, empty body.
	request, err := http.NewRequest(http.MethodPost, baseURL+path+"?"+query.Encode(), nil)
	if err != nil {
		fail(2, "bad request: %v", err)
	}
	request.Header.Set("accept", "*/*")
	response, err := (&http.Client{Timeout: 10 * time.Second}).Do(request)
	if err != nil {
		fail(1, "request failed, not retried: %v", err)
	}
	body, err := io.ReadAll(response.Body)
	response.Body.Close()
	if err != nil {
		fail(1, "reading the answer failed: %v", err)
	}
	fmt.Println(string(body))

	var envelope struct {
		Code int `json:"code"`
	}
	if response.StatusCode != http.StatusOK || json.Unmarshal(body, &envelope) != nil || envelope.Code != 200 {
		os.Exit(1)
	}
}
