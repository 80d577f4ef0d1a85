package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// eachCall calls fn for every method call (x.Name(...)) in blctl's
// non-test sources, with lit(i) giving the i-th argument when it is a
// string literal: the catalogue and help tests check what the code writes
// against what is translated.
func eachCall(t *testing.T, fn func(fset *token.FileSet, call *ast.CallExpr, sel *ast.SelectorExpr, lit func(int) (string, bool))) {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			fn(fset, call, sel, func(i int) (string, bool) {
				if i >= len(call.Args) {
					return "", false
				}
				b, ok := call.Args[i].(*ast.BasicLit)
				if !ok || b.Kind != token.STRING {
					return "", false
				}
				s, _ := strconv.Unquote(b.Value)
				return s, true
			})
			return true
		})
	}
}
