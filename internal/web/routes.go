package web

import (
	"net/http"

	"github.com/styrkedjan/styrkedjan/internal/auth"
)

// Handler returns every route of the application, wrapped in the middleware
// that applies to all of them (outermost first).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	page := s.page // HTML pages: errors rendered as pages
	api := s.api   // JSON API: errors as problem+json

	// Public.
	mux.Handle("GET /{$}", page(s.home))
	mux.Handle("GET /login", page(s.loginForm))
	mux.Handle("POST /login", page(s.login))
	mux.Handle("POST /logout", page(s.logout))
	mux.Handle("GET /password/forgot", page(s.forgotForm))
	mux.Handle("POST /password/forgot", page(s.forgot))
	mux.Handle("GET /password/reset/{token}", page(s.resetForm))
	mux.Handle("POST /password/reset/{token}", page(s.reset))
	mux.Handle("POST /language", page(s.setLanguage))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /static/{file}", http.HandlerFunc(s.views.serveStatic))

	// Complaints and feedback from anyone, no login; followed by private link.
	mux.Handle("GET /complaints/new", page(s.complaintForm))
	mux.Handle("GET /complaints/easy", page(s.complaintEasy))
	mux.Handle("POST /complaints", page(s.submitComplaint))
	mux.Handle("GET /f/{token}", page(s.followUp))
	mux.Handle("POST /f/{token}/reply", page(s.followUpReply))
	mux.Handle("GET /f/{token}/files/{file}", page(s.followUpFile))

	// Signed in; each handler asks auth for its permission and scope.
	mux.Handle("GET /account", page(s.signedIn(s.account)))
	mux.Handle("POST /account/password", page(s.signedIn(s.changePassword)))
	mux.Handle("GET /overview", page(s.allow(auth.ReadOverview, s.overview)))
	mux.Handle("GET /units", page(s.allow(auth.ReadUnits, s.unitList)))
	mux.Handle("GET /units/{id}", page(s.allow(auth.ReadUnits, s.unitPage)))
	mux.Handle("GET /people", page(s.allow(auth.ReadPeople, s.peopleList)))
	mux.Handle("GET /people/{id}", page(s.allow(auth.ReadPeople, s.personPage)))
	mux.Handle("GET /cases", page(s.allow(auth.HandleCases, s.workList)))
	mux.Handle("GET /cases/new", page(s.allow(auth.HandleCases, s.staffComplaintForm)))
	mux.Handle("POST /cases/new", page(s.allow(auth.HandleCases, s.registerComplaint)))
	mux.Handle("GET /cases/{id}", page(s.allow(auth.HandleCases, s.casePage)))
	mux.Handle("POST /cases/{id}", page(s.allow(auth.HandleCases, s.caseAction)))
	mux.Handle("GET /cases/{id}/files/{file}", page(s.allow(auth.HandleCases, s.caseFile)))
	mux.Handle("GET /complaints/trends", page(s.allow(auth.ReadCaseStats, s.trends)))
	mux.Handle("GET /complaints/report", page(s.allow(auth.ReadCaseStats, s.boardReport)))
	mux.Handle("POST /complaints/report", page(s.allow(auth.ReadCaseStats, s.saveBoardReport)))
	mux.Handle("GET /complaints/report.pdf", page(s.allow(auth.ReadCaseStats, s.boardReportPDF)))
	mux.Handle("GET /complaints/report.xlsx", page(s.allow(auth.ReadCaseStats, s.boardReportXLSX)))
	mux.Handle("GET /meetings", page(s.allow(auth.HoldMeetings, s.meetings)))
	mux.Handle("POST /meetings", page(s.allow(auth.HoldMeetings, s.createMeeting)))
	mux.Handle("GET /meetings/{id}", page(s.allow(auth.HoldMeetings, s.meetingPage)))
	mux.Handle("POST /meetings/{id}", page(s.allow(auth.HoldMeetings, s.meetingAction)))
	mux.Handle("GET /meetings/{id}/pdf", page(s.allow(auth.HoldMeetings, s.meetingPDF)))

	// The unit picture (issue 5).
	mux.Handle("GET /unitpicture", page(s.allow(auth.ReadUnitPicture, s.upIndicatorPage)))
	mux.Handle("GET /unitpicture/chart.svg", page(s.allow(auth.ReadUnitPicture, s.upIndicatorChart)))
	mux.Handle("GET /unitpicture/trends.svg", page(s.allow(auth.ReadUnitPicture, s.upTrendsChart)))
	mux.Handle("GET /unitpicture/units/{id}", page(s.allow(auth.ReadUnitPicture, s.upUnitPage)))
	mux.Handle("GET /unitpicture/units/{id}/chart.svg", page(s.allow(auth.ReadUnitPicture, s.upUnitChart)))
	mux.Handle("GET /unitpicture/adjusted", page(s.allow(auth.ReadUnitPicture, s.upAdjustedPage)))
	mux.Handle("GET /unitpicture/adjusted/chart.svg", page(s.allow(auth.ReadUnitPicture, s.upAdjustedChart)))
	mux.Handle("GET /unitpicture/compensatory", page(s.allow(auth.ReadUnitPicture, s.upCompensatoryPage)))
	mux.Handle("GET /unitpicture/compensatory/chart.svg", page(s.allow(auth.ReadUnitPicture, s.upCompensatoryChart)))
	mux.Handle("GET /unitpicture/steer", page(s.allow(auth.ReadUnitPicture, s.upSteerPage)))
	mux.Handle("GET /unitpicture/indicators", page(s.allow(auth.ReadUnitPicture, s.upIndicatorsPage)))
	mux.Handle("GET /unitpicture/import", page(s.allow(auth.ManageIndicators, s.upImportForm)))
	mux.Handle("POST /unitpicture/import/preview", page(s.allow(auth.ManageIndicators, s.upImportPreview)))
	mux.Handle("POST /unitpicture/import/commit", page(s.allow(auth.ManageIndicators, s.upImportCommit)))

	// School placement (issue 7).
	mux.Handle("GET /placement", page(s.allow(auth.RunPlacement, s.placementHome)))
	mux.Handle("POST /placement/networks", page(s.allow(auth.RunPlacement, s.uploadNetwork)))
	mux.Handle("GET /placement/rounds/new", page(s.allow(auth.RunPlacement, s.placementNewForm)))
	mux.Handle("POST /placement/rounds", page(s.allow(auth.RunPlacement, s.createPlacementRound)))
	mux.Handle("GET /placement/rounds/{id}", page(s.allow(auth.RunPlacement, s.placementRound)))
	mux.Handle("POST /placement/rounds/{id}/run", page(s.allow(auth.RunPlacement, s.startPlacementRun)))
	mux.Handle("POST /placement/rounds/{id}/whatif", page(s.allow(auth.RunPlacement, s.startPlacementWhatIf)))
	mux.Handle("GET /placement/rounds/{id}/runs/{run}", page(s.allow(auth.RunPlacement, s.placementRun)))
	mux.Handle("POST /placement/rounds/{id}/runs/{run}/accept", page(s.allow(auth.RunPlacement, s.placementRunAction(true))))
	mux.Handle("POST /placement/rounds/{id}/runs/{run}/discard", page(s.allow(auth.RunPlacement, s.placementRunAction(false))))
	mux.Handle("GET /placement/rounds/{id}/decisions", page(s.allow(auth.RunPlacement, s.placementDecisions)))
	mux.Handle("GET /placement/rounds/{id}/decisions/{applicant}", page(s.allow(auth.RunPlacement, s.placementDecision)))
	mux.Handle("POST /placement/rounds/{id}/publish", page(s.allow(auth.RunPlacement, s.publishPlacement)))
	mux.Handle("POST /placement/rounds/{id}/revoke", page(s.allow(auth.RunPlacement, s.revokePlacementLink)))
	mux.Handle("GET /placement/d/{token}", page(s.placementGuardian)) // guardians, by private link

	// Quality dialogues (issue 6). Signed in; package dialogue decides who
	// sees what (principals their units, participants theirs, never board members).
	mux.Handle("GET /dialogues", page(s.signedIn(s.dialogues)))
	mux.Handle("POST /dialogues", page(s.allow(auth.HoldDialogues, s.createDialogue)))
	mux.Handle("GET /dialogues/{id}", page(s.signedIn(s.dialoguePage)))
	mux.Handle("POST /dialogues/{id}", page(s.signedIn(s.dialogueAction)))
	mux.Handle("GET /dialogues/{id}/prep", page(s.signedIn(s.dialoguePrep)))
	mux.Handle("GET /dialogues/{id}/prep.pdf", page(s.signedIn(s.dialoguePrepPDF)))
	mux.Handle("GET /dialogues/types", page(s.allow(auth.HoldDialogues, s.dialogueTypes)))
	mux.Handle("POST /dialogues/types", page(s.allow(auth.HoldDialogues, s.saveDialogueType)))
	mux.Handle("GET /dialogues/initiatives", page(s.signedIn(s.dialogueInitiatives)))
	mux.Handle("POST /dialogues/initiatives", page(s.allow(auth.HoldDialogues, s.addInitiative)))
	mux.Handle("GET /dialogues/initiatives/{id}/effect", page(s.signedIn(s.dialogueInitiative)))
	mux.Handle("GET /dialogues/initiatives/{id}/effect.svg", page(s.signedIn(s.dialogueEffectChart)))
	mux.Handle("GET /dialogues/findings", page(s.signedIn(s.dialogueFindings)))
	mux.Handle("POST /dialogues/findings", page(s.allow(auth.HoldDialogues, s.addFinding)))
	mux.Handle("GET /dialogues/examples", page(s.signedIn(s.dialogueExamples)))
	mux.Handle("POST /dialogues/examples", page(s.allow(auth.HoldDialogues, s.publishExample)))
	mux.Handle("GET /dialogues/examples.json", page(s.signedIn(s.exportExamples)))
	mux.Handle("POST /dialogues/examples/import", page(s.allow(auth.HoldDialogues, s.importExamples)))
	mux.Handle("GET /dialogues/report", page(s.signedIn(s.dialogueReport)))
	mux.Handle("GET /dialogues/report.pdf", page(s.signedIn(s.dialogueReportPDF)))
	mux.Handle("GET /dialogues/report.xlsx", page(s.signedIn(s.dialogueReportXLSX)))

	// Administration.
	mux.Handle("GET /admin", page(s.allow(auth.ManageOrganization, s.adminHome)))
	mux.Handle("GET /admin/organizer", page(s.allow(auth.ManageOrganization, s.organizerForm)))
	mux.Handle("POST /admin/organizer", page(s.allow(auth.ManageOrganization, s.saveOrganizer)))
	mux.Handle("GET /admin/school-forms", page(s.allow(auth.ManageOrganization, s.schoolForms)))
	mux.Handle("POST /admin/school-forms", page(s.allow(auth.ManageOrganization, s.saveSchoolForm)))
	mux.Handle("GET /admin/areas", page(s.allow(auth.ManageOrganization, s.areas)))
	mux.Handle("POST /admin/areas", page(s.allow(auth.ManageOrganization, s.saveArea)))
	mux.Handle("POST /admin/areas/{id}/delete", page(s.allow(auth.ManageOrganization, s.deleteArea)))
	mux.Handle("GET /admin/units/new", page(s.allow(auth.ManageOrganization, s.unitForm)))
	mux.Handle("POST /admin/units", page(s.allow(auth.ManageOrganization, s.saveUnit)))
	mux.Handle("GET /admin/units/{id}", page(s.allow(auth.ManageOrganization, s.unitForm)))
	mux.Handle("POST /admin/units/{id}", page(s.allow(auth.ManageOrganization, s.saveUnit)))
	mux.Handle("GET /admin/people/new", page(s.allow(auth.ManagePeople, s.personForm)))
	mux.Handle("POST /admin/people", page(s.allow(auth.ManagePeople, s.savePerson)))
	mux.Handle("GET /admin/people/{id}", page(s.allow(auth.ManagePeople, s.personForm)))
	mux.Handle("POST /admin/people/{id}", page(s.allow(auth.ManagePeople, s.savePerson)))
	mux.Handle("POST /admin/people/{id}/invite", page(s.allow(auth.ManagePeople, s.invitePerson)))
	mux.Handle("GET /admin/import", page(s.allow(auth.ManagePeople, s.importForm)))
	mux.Handle("POST /admin/import/preview", page(s.allow(auth.ManagePeople, s.importPreview)))
	mux.Handle("POST /admin/import/commit", page(s.allow(auth.ManagePeople, s.importCommit)))
	mux.Handle("GET /admin/audit", page(s.allow(auth.ReadAudit, s.auditLog)))
	mux.Handle("GET /admin/audit.csv", page(s.allow(auth.ReadAudit, s.auditExport)))
	mux.Handle("GET /admin/outbox", page(s.allow(auth.ManageOrganization, s.outbox)))
	mux.Handle("GET /admin/complaints", page(s.allow(auth.ManageOrganization, s.complaintSettings)))
	mux.Handle("POST /admin/complaints", page(s.allow(auth.ManageOrganization, s.saveComplaintSettings)))
	mux.Handle("POST /admin/complaint-categories", page(s.allow(auth.ManageOrganization, s.saveCategory)))

	// JSON API.
	mux.Handle("GET /api/openapi.json", http.HandlerFunc(serveOpenAPI))
	mux.Handle("GET /api/v1/me", api(s.signedIn(s.apiMe)))
	mux.Handle("GET /api/v1/organizer", api(s.signedIn(s.apiOrganizer)))
	mux.Handle("GET /api/v1/school-forms", api(s.signedIn(s.apiSchoolForms)))
	mux.Handle("GET /api/v1/overview", api(s.allow(auth.ReadOverview, s.apiOverview)))
	mux.Handle("GET /api/v1/units", api(s.apiUnits)) // public catalogue, or the caller's scope
	mux.Handle("GET /api/v1/complaint-categories", api(s.apiCategories))
	mux.Handle("POST /api/v1/complaints", api(s.apiSubmitComplaint))
	mux.Handle("GET /api/v1/cases", api(s.allow(auth.HandleCases, s.apiCases)))
	mux.Handle("GET /api/v1/cases/{id}", api(s.allow(auth.HandleCases, s.apiCase)))
	mux.Handle("GET /api/v1/complaint-trends", api(s.allow(auth.ReadCaseStats, s.apiTrends)))
	mux.Handle("GET /api/v1/units/{id}", api(s.allow(auth.ReadUnits, s.apiUnit)))
	mux.Handle("GET /api/v1/people", api(s.allow(auth.ReadPeople, s.apiPeople)))
	mux.Handle("GET /api/v1/people/{id}", api(s.allow(auth.ReadPeople, s.apiPerson)))
	mux.Handle("GET /api/v1/audit", api(s.allow(auth.ReadAudit, s.apiAudit)))
	// API: the unit picture.
	mux.Handle("GET /api/v1/indicators", api(s.allow(auth.ReadUnitPicture, s.apiIndicators)))
	mux.Handle("GET /api/v1/indicators/{key}/values", api(s.allow(auth.ReadUnitPicture, s.apiIndicatorValues)))
	mux.Handle("GET /api/v1/unitpicture/adjusted", api(s.allow(auth.ReadUnitPicture, s.apiAdjusted)))
	mux.Handle("GET /api/v1/unitpicture/units/{id}", api(s.allow(auth.ReadUnitPicture, s.apiUnitProfile)))
	// API: school placement.
	mux.Handle("GET /api/v1/placement/rounds", api(s.allow(auth.RunPlacement, s.apiPlacementRounds)))
	mux.Handle("GET /api/v1/placement/rounds/{id}", api(s.allow(auth.RunPlacement, s.apiPlacementRound)))
	// API: quality dialogues.
	mux.Handle("GET /api/v1/dialogues", api(s.signedIn(s.apiDialogues)))
	mux.Handle("GET /api/v1/dialogues/{id}", api(s.signedIn(s.apiDialogue)))
	mux.Handle("GET /api/v1/actions", api(s.signedIn(s.apiActions)))
	mux.Handle("/api/", api(s.notFound))
	mux.Handle("/", page(s.notFound))

	return chain(mux,
		s.realClient,
		s.recoverPanics,
		s.logRequests,
		securityHeaders,
		http.NewCrossOriginProtection().Handler,
		s.sessions.LoadAndSave,
		s.identify,
	)
}
