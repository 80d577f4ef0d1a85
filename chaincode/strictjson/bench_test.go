package strictjson

import "testing"

func BenchmarkCheckKeysImportLine(b *testing.B) {
	line := []byte(`{"subjectKey":"50e721e49c013f00c62cf59f2163542a9d8df02464efeb615d31051b0fddc326","label":"cust-000123"}`)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := CheckKeys(line); err != nil {
			b.Fatal(err)
		}
	}
}
