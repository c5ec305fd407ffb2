package report

import "github.com/styrkedjan/styrkedjan/internal/auth"

// Who may read and write what of the complaint statistics. Every access
// decision of this package is made here, from the permissions in auth.

// MayRead reports whether p may read the trends and the board report at all.
func MayRead(p *auth.Principal) bool { return p.Can(auth.ReadCaseStats) }

// FullFigures reports whether p sees the figures without suppression
// (officers and analysts). Everyone else allowed to read the statistics
// (board members) gets the suppressed version.
func FullFigures(p *auth.Principal) bool { return p.Can(auth.ReadFullCaseStats) }

// CanWrite reports whether p may write the analysis of a board report:
// the administration's officers and analysts, not board members.
func CanWrite(p *auth.Principal) bool {
	return p.Can(auth.WriteCaseAnalysis) && p.Can(auth.ReadCaseStats)
}

// MayReadSummaries reports whether p may read the handlers' free-text
// summaries of closed cases (officers, who see every case).
func MayReadSummaries(p *auth.Principal) bool { return p.Can(auth.ReadCaseSummaries) }
