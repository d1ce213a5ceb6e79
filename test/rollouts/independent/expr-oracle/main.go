// Development oracle (not shipped): evaluates analysis conditions with antonmedv/expr v1.15.5 the way
// Argo Rollouts v1.9.1 utils/evaluate does, to produce expected values for the TypeScript tests.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strconv"

	"github.com/antonmedv/expr"
	"github.com/antonmedv/expr/file"
)

type enc struct {
	T string          `json:"t"`
	V json.RawMessage `json:"v"`
}

func num(s json.RawMessage) float64 {
	var x any
	json.Unmarshal(s, &x)
	switch v := x.(type) {
	case float64:
		return v
	case string:
		switch v {
		case "NaN":
			return math.NaN()
		case "+Inf":
			return math.Inf(1)
		case "-Inf":
			return math.Inf(-1)
		}
	}
	panic("bad num")
}

func decode(e enc) any {
	switch e.T {
	case "f64":
		return num(e.V)
	case "f64s":
		var raw []json.RawMessage
		json.Unmarshal(e.V, &raw)
		out := make([]float64, 0, len(raw))
		for _, r := range raw {
			out = append(out, num(r))
		}
		return out
	case "nilf64s":
		var s []float64
		return s
	case "nil":
		return nil
	case "json":
		var x any
		json.Unmarshal(e.V, &x)
		return x
	case "int":
		var i int
		json.Unmarshal(e.V, &i)
		return i
	case "str":
		var s string
		json.Unmarshal(e.V, &s)
		return s
	case "bool":
		var b bool
		json.Unmarshal(e.V, &b)
		return b
	}
	panic("bad type " + e.T)
}

func isNil(in any) bool {
	if in == nil {
		return true
	}
	switch reflect.TypeOf(in).Kind() {
	case reflect.Ptr, reflect.Map, reflect.Array, reflect.Chan, reflect.Slice:
		return reflect.ValueOf(in).IsNil()
	}
	return false
}

func valueFromPointer(in any) any {
	if isNil(in) {
		return nil
	}
	if reflect.TypeOf(in).Kind() != reflect.Ptr {
		return in
	}
	return reflect.ValueOf(in).Elem().Interface()
}

func asInt(in any) int64 {
	switch i := in.(type) {
	case float64:
		return int64(i)
	case int64:
		return i
	case int:
		return int64(i)
	case uint8:
		return int64(i)
	case string:
		v, err := strconv.ParseInt(i, 10, 64)
		if err == nil {
			return v
		}
		panic(err)
	}
	panic(fmt.Sprintf("asInt() not supported on %v %v", reflect.TypeOf(in), in))
}

func asFloat(in any) float64 {
	switch i := in.(type) {
	case float64:
		return i
	case int64:
		return float64(i)
	case int:
		return float64(i)
	case uint8:
		return float64(i)
	case string:
		v, err := strconv.ParseFloat(i, 64)
		if err == nil {
			return v
		}
		panic(err)
	}
	panic(fmt.Sprintf("asFloat() not supported on %v %v", reflect.TypeOf(in), in))
}

func evalCondition(resultValue any, condition string) (bool, error) {
	var err error
	env := map[string]any{
		"result":  valueFromPointer(resultValue),
		"asInt":   asInt,
		"asFloat": asFloat,
		"isNaN":   math.IsNaN,
		"isInf":   func(f float64) bool { return math.IsInf(f, 0) },
		"isNil":   func(_ any) bool { return isNil(resultValue) },
		"default": func(_ any, d any) any {
			if isNil(resultValue) {
				return d
			}
			return valueFromPointer(resultValue)
		},
	}
	unwrap := func(e error) error {
		if fe, ok := err.(*file.Error); ok {
			e = errors.New(fe.Message)
		}
		return e
	}
	program, err := expr.Compile(condition, expr.Env(env))
	if err != nil {
		return false, unwrap(err)
	}
	output, err := expr.Run(program, env)
	if err != nil {
		return false, unwrap(err)
	}
	switch v := output.(type) {
	case bool:
		return v, nil
	default:
		return false, fmt.Errorf("expected bool, but got %T", v)
	}
}

type fixture struct {
	Source     string          `json:"source"`
	Results    map[string]enc  `json:"results"`
	Order      []string        `json:"order"`
	Conditions [][2]string     `json:"conditions"`
	Outcomes   [][][2]string   `json:"outcomes"`
}

func evaluate(result any, s, f string) (ph string, e error) {
	defer func() {
		if r := recover(); r != nil {
			ph = "PANIC"
			e = fmt.Errorf("%v", r)
		}
	}()
	sc, fc := false, false
	var err error
	if s != "" {
		sc, err = evalCondition(result, s)
		if err != nil {
			return "Error", err
		}
	}
	if f != "" {
		fc, err = evalCondition(result, f)
		if err != nil {
			return "Error", err
		}
	}
	switch {
	case s == "" && f == "":
		return "Successful", nil
	case s != "" && f == "":
		fc = !sc
	case s == "" && f != "":
		sc = !fc
	}
	if fc {
		return "Failed", nil
	}
	if !fc && !sc {
		return "Inconclusive", nil
	}
	return "Successful", nil
}

// Reads the fixture (results, order, conditions) on stdin and writes it back with the outcomes filled in:
// outcomes[condition][result] = [phase, error].
func main() {
	var fx fixture
	if err := json.NewDecoder(os.Stdin).Decode(&fx); err != nil {
		panic(err)
	}
	fx.Outcomes = nil
	for _, c := range fx.Conditions {
		row := [][2]string{}
		for _, label := range fx.Order {
			ph, err := evaluate(decode(fx.Results[label]), c[0], c[1])
			msg := ""
			if err != nil {
				msg = err.Error()
			}
			row = append(row, [2]string{ph, msg})
		}
		fx.Outcomes = append(fx.Outcomes, row)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.Encode(fx)
}
