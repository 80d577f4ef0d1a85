package l10n

import "testing"

func TestMatch(t *testing.T) {
	for in, want := range map[string]string{
		"zh-CN": "zh-Hans", "zh_CN.UTF-8": "zh-Hans", "zh-Hans-CN": "zh-Hans", "zh": "zh-Hans",
		"zh-CN,zh;q=0.9,en;q=0.8": "zh-Hans", "en-US,en;q=0.9": "en", "de-DE": "en", "C": "en",
		"C.UTF-8": "en", "": "en", "fr;q=0.9, zh-CN;q=0.8": "zh-Hans", "en_GB.UTF-8": "en",
	} {
		if got := Match(in); got.String() != want {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
	if got := Match("", "zh_CN.UTF-8"); got != Chinese {
		t.Errorf("the first non-empty preference decides: %s", got)
	}
}

func TestPrinter(t *testing.T) {
	Register(Entry{Key: "test.count", EN: "%d subjects", ZH: "%d 个主体"})
	if got := Printer(Chinese).Sprintf("test.count", 3); got != "3 个主体" {
		t.Errorf("zh: %q", got)
	}
	if got := Printer(English).Sprintf("test.count", 3); got != "3 subjects" {
		t.Errorf("en: %q", got)
	}
	if Verbs("%d of %q %%") != Verbs("%d 之 %q %%") || Verbs("%d") == Verbs("%s") {
		t.Error("Verbs")
	}
}
