package fourletter

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

func TestLastOp(t *testing.T) {
	tests := []struct {
		op   wire.OpCode
		want string
	}{
		{wire.OpPing, "PING"}, {wire.OpCreateSession, "SESS"}, {wire.OpCreate, "CREA"},
		{wire.OpCreate2, "CREA"}, {wire.OpCreateTTL, "CREA"}, {wire.OpCreateContainer, "CREA"},
		{wire.OpDelete, "DELE"}, {wire.OpDeleteContainer, "DELE"}, {wire.OpSetData, "SETD"},
		{wire.OpGetData, "GETD"}, {wire.OpExists, "EXIS"}, {wire.OpGetChildren, "GETC"},
		{wire.OpGetChildren2, "GETC"}, {wire.OpGetAllChildrenNumber, "GETACN"},
		{wire.OpMulti, "MULT"}, {wire.OpMultiRead, "MLTR"}, {wire.OpCloseSession, "CLOS"},
		{wire.OpSetWatches2, "STW2"}, {wire.OpWhoAmI, "HOMI"}, {wire.OpGetEphemerals, "GETE"},
		{wire.OpAuth, "NA"}, {wire.OpSASL, "NA"}, {wire.OpError, "NA"}, {wire.OpCode(999), "NA"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, LastOp(tc.op), tc.op.String())
	}
}

func TestSummaryAdd(t *testing.T) {
	var s Summary
	for _, v := range []int64{5, 2, 9, 2} {
		s.Add(v)
	}
	require.Equal(t, Summary{Count: 4, Sum: 18, Min: 2, Max: 9}, s)
	require.Equal(t, 4.5, apacheAvg(s.Sum, s.Count))
	var neg Summary
	neg.Add(-3)
	require.Equal(t, Summary{Count: 1, Sum: -3, Min: -3, Max: -3}, neg)
}
