package survey

import "github.com/styrkedjan/styrkedjan/internal/auth"

// Who may do what with pulse surveys. Every access decision of this
// package is made here, from the permissions and their reach in package auth:
//
//   - auth.ManageSurveys: the question bank, surveys, rounds, classes and
//     invitations (officers).
//   - auth.ReadSurveyResults: results, aggregates only, every group under
//     the round's minimum suppressed for everyone (reach all: every unit;
//     reach units: the organizer's total and their units).
//   - auth.ReadSurveyTexts: the free-text answers of units in reach (a
//     unit's principal, the organizer's analyst), and removing or
//     releasing those the check flagged. Board members never hold it.
//
// Answering needs no permission: a class code or a personal link is the
// key, and answering is never audited (the audit log keeps addresses and
// times, which would undo the anonymity).

func mayManage(p *auth.Principal) bool { return p.Can(auth.ManageSurveys) }

// resultScope is the units whose rows p sees in results.
func resultScope(p *auth.Principal) auth.Scope { return p.UnitScope(auth.ReadSurveyResults) }

// textScope is the units whose free texts p reads.
func textScope(p *auth.Principal) auth.Scope { return p.UnitScope(auth.ReadSurveyTexts) }
