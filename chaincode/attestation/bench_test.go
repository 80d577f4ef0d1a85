package attestation

import "testing"

func BenchmarkVerify(b *testing.B) {
	a, _ := testKeys(b)
	compact, _, err := Sign(validDefault(), a, testKid)
	if err != nil {
		b.Fatal(err)
	}
	p, err := Parse(compact)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Verify(&a.PublicKey); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	a, _ := testKeys(b)
	compact, _, err := Sign(validDefault(), a, testKid)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(compact)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(compact); err != nil {
			b.Fatal(err)
		}
	}
}
