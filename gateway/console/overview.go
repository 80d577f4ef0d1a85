package console

import "github.com/assoc-ledger/blacklist/chaincode/contract"

// overviewData is the overview's figures: members by standing and
// disputes by state, from the ledger's member list and dispute index.
func (s *server) overviewData(q *req) map[string]any {
	data := map[string]any{}
	if ms, _, err := s.node.Members(q.ctx(), q.client); err == nil {
		by := map[string]int{}
		for _, m := range ms {
			if !m.Association {
				by[m.Status]++
			}
		}
		data["Members"] = by
	}
	if ds, _, err := s.node.Disputes(q.ctx(), q.client, ""); err == nil {
		by := map[string]int{}
		for _, d := range ds {
			st := d.State
			if st == contract.DisputeOpen && d.Overdue {
				st = contract.DisputeOverdue
			}
			by[st]++
		}
		data["Disputes"] = by
	}
	return data
}
