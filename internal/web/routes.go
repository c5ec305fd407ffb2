package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/accessibility"
	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
)

// Access sentinels: routes open to more than one permission's holders.
const (
	Public      auth.Permission = "public"       // anyone, no login
	SignedIn    auth.Permission = "signed-in"    // any signed-in person, whatever the role
	PrivateLink auth.Permission = "private-link" // anyone holding the private link in the path
	Guardian    auth.Permission = "guardian"     // a guardian signed in with e-identification (no staff role)
	Applicant   auth.Permission = "applicant"    // a guardian signed in to apply for a school: e-identification or a mailed code (apply_signin.go)
	// MetricsAddress: no one signed in or not, only callers from the
	// addresses of Options.MetricsAllow (monitoring), and only when
	// metrics are enabled; everyone else gets 403.
	MetricsAddress auth.Permission = "metrics-address"
)

// PublicOr is the rule of a route open to everyone that shows the holders
// of perm more: the unit catalogue gives anyone the public facts of every
// active unit, and those who may read units (auth.ReadUnits) the units in
// their scope with all their facts. What anonymous callers may see, a
// signed-in person without perm (a board member) may see too.
func PublicOr(perm auth.Permission) auth.Permission { return Public + "|" + perm }

// SignedInNeeds returns the permission that gives the fuller view of a
// PublicOr route, and whether rule is one.
func SignedInNeeds(rule auth.Permission) (auth.Permission, bool) {
	perm, ok := strings.CutPrefix(string(rule), string(Public)+"|")
	return auth.Permission(perm), ok
}

// routeKind says how a route's errors are shown.
type routeKind int

const (
	page routeKind = iota // HTML page: errors rendered as pages
	api                   // JSON API: errors as problem+json
	raw                   // a plain http.Handler (health, static files, the OpenAPI document)
)

// route is one row of the route table: the method and pattern, the
// permission that guards it, and its handler.
type route struct {
	Pattern    string
	Permission auth.Permission
	Kind       routeKind
	handle     handlerFunc
	plain      http.HandlerFunc
}

// routes is the table of every route of the application and the
// permission of each. The permission is checked before the handler runs
// (Public and PrivateLink routes check nothing here; a private link is
// checked by the capability that reads it); the capability then decides
// the scope (which units, which cases). Each action of a page is its own
// route, so this table shows and guards each of them.
func (s *Server) routes() []route {
	return []route{
		// Public.
		{"GET /{$}", Public, page, s.home, nil},
		{"GET /login", Public, page, s.loginForm, nil},
		{"POST /login", Public, page, s.login, nil},
		{"POST /logout", Public, page, s.logout, nil},
		{"GET /login/sso", Public, page, s.ssoStart, nil},             // staff: to the identity provider
		{"GET /login/sso/callback", Public, page, s.ssoCallback, nil}, // state, nonce and PKCE (sso_staff.go)
		{"GET /login/saml", Public, page, s.samlStart, nil},           // staff: to the SAML identity provider
		{"POST /saml/acs", Public, page, s.samlACS, nil},              // exempt from CrossOriginProtection; the pending request instead (sso_saml.go)
		{"GET /saml/metadata", Public, page, s.samlMetadata, nil},
		{"GET /saml/slo", Public, page, s.samlSLO, nil},
		{"GET /login/e-id", Public, page, s.eidStart, nil}, // guardians: to the e-identification broker
		{"GET /login/e-id/callback", Public, page, s.eidCallback, nil},
		{"POST /logout/e-id", Public, page, s.eidLogout, nil},
		{"GET /my-cases", Public, page, s.myCases, nil}, // "Mina ärenden": sign-in, or the guardian's cases
		{"GET /my-cases/{id}", Guardian, page, s.myCase, nil},
		{"GET /my-cases/placement/{id}", Guardian, page, s.myPlacementDecision, nil},     // a school placement decision (issue 15)
		{"POST /my-cases/placement/{id}/answer", Guardian, page, s.answerPlacement, nil}, // accept or decline it
		{"POST /my-cases/{id}/reply", Guardian, page, s.myCaseReply, nil},                // the filer's reply, as through the link
		{"GET /password/forgot", Public, page, s.forgotForm, nil},
		{"POST /password/forgot", Public, page, s.forgot, nil},
		{"GET /password/reset/{token}", PrivateLink, page, s.resetForm, nil},
		{"POST /password/reset/{token}", PrivateLink, page, s.reset, nil},
		{"POST /language", Public, page, s.setLanguage, nil},
		{"GET /healthz", Public, raw, nil, s.healthz},
		{"GET /metrics", MetricsAddress, page, s.metrics, nil},
		{"GET /static/{file}", Public, raw, nil, s.views.serveStatic},
		// Complaints and feedback from anyone, no login; followed by private link.
		{"GET /complaints/new", Public, page, s.complaintForm, nil},
		{"GET /complaints/easy", Public, page, s.complaintEasy, nil},
		{"POST /complaints", Public, page, s.submitComplaint, nil},
		{"GET /complaints", Public, page, s.toComplaintForm, nil}, // where a posted form's page links back to (language switch)
		{"GET /f/lost", Public, page, s.lostLinkForm, nil},
		{"POST /f/lost", Public, page, s.lostLink, nil},
		{"GET /f/{token}", PrivateLink, page, s.followUp, nil},
		{"POST /f/{token}/reply", PrivateLink, page, s.followUpReply, nil},
		{"GET /f/{token}/files/{file}", PrivateLink, page, s.followUpFile, nil},
		{"GET /account", SignedIn, page, s.account, nil},
		{"POST /account/password", SignedIn, page, s.changePassword, nil},
		{"POST /account/notices", SignedIn, page, s.setNotices, nil},
		{"GET /overview", auth.ReadOverview, page, s.overview, nil},
		{"GET /units", auth.ReadUnits, page, s.unitList, nil},
		{"GET /units/{id}", auth.ReadUnits, page, s.unitPage, nil},
		{"GET /people", auth.ReadPeople, page, s.peopleList, nil},
		{"GET /people/{id}", auth.ReadPeople, page, s.personPage, nil},
		{"GET /cases", auth.HandleCases, page, s.workList, nil},
		{"GET /cases/new", auth.HandleCases, page, s.staffComplaintForm, nil},
		{"POST /cases/new", auth.HandleCases, page, s.registerComplaint, nil},
		{"GET /cases/{id}", auth.HandleCases, page, s.casePage, nil},
		{"POST /cases/{id}/acknowledged", auth.HandleCases, page, s.caseAction(complaint.EventAcknowledged), nil},
		{"POST /cases/{id}/investigating", auth.HandleCases, page, s.caseAction(complaint.EventInvestigating), nil},
		{"POST /cases/{id}/answered", auth.HandleCases, page, s.caseAction(complaint.EventAnswered), nil},
		{"POST /cases/{id}/delay-notice", auth.HandleCases, page, s.caseAction(complaint.EventDelayNotice), nil},
		{"POST /cases/{id}/closed", auth.HandleCases, page, s.caseAction(complaint.EventClosed), nil},
		{"POST /cases/{id}/reopened", auth.HandleCases, page, s.caseAction(complaint.EventReopened), nil},
		{"POST /cases/{id}/summary", auth.HandleCases, page, s.caseAction(complaint.EventSummary), nil},
		{"POST /cases/{id}/message", auth.HandleCases, page, s.caseAction(complaint.EventMessage), nil},
		{"POST /cases/{id}/assigned", auth.HandleCases, page, s.caseAction(complaint.EventAssigned), nil},
		{"POST /cases/{id}/conflict", auth.HandleCases, page, s.caseAction(complaint.EventConflict), nil},
		{"POST /cases/{id}/secret", auth.HandleCases, page, s.caseAction(complaint.EventSecret), nil},
		{"POST /cases/{id}/interpreter", auth.HandleCases, page, s.caseAction(complaint.EventInterpreter), nil},
		{"POST /cases/{id}/link-revoked", auth.HandleCases, page, s.caseAction(complaint.EventLinkRevoked), nil},
		{"POST /cases/{id}/reported", auth.HandleCases, page, s.caseAction(complaint.EventReported), nil},
		{"POST /cases/{id}/note", auth.HandleCases, page, s.caseAction(complaint.EventNote), nil},
		{"GET /cases/{id}/files/{file}", auth.HandleCases, page, s.caseFile, nil},
		{"GET /complaints/trends", auth.ReadCaseStats, page, s.trends, nil},
		{"GET /complaints/report", auth.ReadCaseStats, page, s.boardReport, nil},
		{"POST /complaints/report", auth.WriteCaseAnalysis, page, s.saveBoardReport, nil},
		{"GET /complaints/report.pdf", auth.ReadCaseStats, page, s.boardReportPDF, nil},
		{"GET /complaints/report.xlsx", auth.ReadCaseStats, page, s.boardReportXLSX, nil},
		{"GET /meetings", auth.HoldMeetings, page, s.meetings, nil},
		{"POST /meetings", auth.RunMeetings, page, s.createMeeting, nil},
		{"GET /meetings/{id}", auth.HoldMeetings, page, s.meetingPage, nil},
		{"POST /meetings/{id}/presented", auth.HoldMeetings, page, s.meetingAction("presented"), nil},
		{"POST /meetings/{id}/unit-notes", auth.HoldMeetings, page, s.meetingAction("unit_notes"), nil},
		{"POST /meetings/{id}/notes", auth.HoldMeetings, page, s.meetingAction("notes"), nil},
		{"POST /meetings/{id}/followup", auth.HoldMeetings, page, s.meetingAction("followup"), nil},
		{"POST /meetings/{id}/followup-done", auth.HoldMeetings, page, s.meetingAction("followup_done"), nil},
		{"GET /meetings/{id}/pdf", auth.HoldMeetings, page, s.meetingPDF, nil},
		// The unit picture (issue 5).
		{"GET /unitpicture", auth.ReadUnitPicture, page, s.upIndicatorPage, nil},
		{"GET /unitpicture/chart.svg", auth.ReadUnitPicture, page, s.upIndicatorChart, nil},
		{"GET /unitpicture/trends.svg", auth.ReadUnitPicture, page, s.upTrendsChart, nil},
		{"GET /unitpicture/units/{id}", auth.ReadUnitPicture, page, s.upUnitPage, nil},
		{"GET /unitpicture/units/{id}/chart.svg", auth.ReadUnitPicture, page, s.upUnitChart, nil},
		{"GET /unitpicture/adjusted", auth.ReadUnitPicture, page, s.upAdjustedPage, nil},
		{"GET /unitpicture/adjusted/chart.svg", auth.ReadUnitPicture, page, s.upAdjustedChart, nil},
		{"GET /unitpicture/compensatory", auth.ReadUnitPicture, page, s.upCompensatoryPage, nil},
		{"GET /unitpicture/compensatory/chart.svg", auth.ReadUnitPicture, page, s.upCompensatoryChart, nil},
		{"GET /unitpicture/steer", auth.ReadUnitPicture, page, s.upSteerPage, nil},
		{"GET /unitpicture/indicators", auth.ReadUnitPicture, page, s.upIndicatorsPage, nil},
		{"GET /unitpicture/import", auth.ManageIndicators, page, s.upImportForm, nil},
		{"POST /unitpicture/import/preview", auth.ManageIndicators, page, s.upImportPreview, nil},
		{"POST /unitpicture/import/commit", auth.ManageIndicators, page, s.upImportCommit, nil},
		// School placement (issue 7).
		{"GET /placement", auth.RunPlacement, page, s.placementHome, nil},
		{"POST /placement/networks", auth.RunPlacement, page, s.uploadNetwork, nil},
		{"GET /placement/rounds/new", auth.RunPlacement, page, s.placementNewForm, nil},
		{"POST /placement/rounds", auth.RunPlacement, page, s.createPlacementRound, nil},
		{"GET /placement/rounds/{id}", auth.RunPlacement, page, s.placementRound, nil},
		{"POST /placement/rounds/{id}/run", auth.RunPlacement, page, s.startPlacementRun, nil},
		{"POST /placement/rounds/{id}/whatif", auth.RunPlacement, page, s.startPlacementWhatIf, nil},
		{"POST /placement/rounds/{id}/recheck", auth.RunPlacement, page, s.startPlacementRecheck, nil},
		{"GET /placement/rounds/{id}/runs/{run}", auth.RunPlacement, page, s.placementRun, nil},
		{"POST /placement/rounds/{id}/runs/{run}/accept", auth.RunPlacement, page, s.placementRunAction(true), nil},
		{"POST /placement/rounds/{id}/runs/{run}/discard", auth.RunPlacement, page, s.placementRunAction(false), nil},
		{"GET /placement/rounds/{id}/decisions", auth.RunPlacement, page, s.placementDecisions, nil},
		{"GET /placement/rounds/{id}/decisions/{applicant}", auth.RunPlacement, page, s.placementDecision, nil},
		{"POST /placement/rounds/{id}/publish", auth.RunPlacement, page, s.publishPlacement, nil},
		{"POST /placement/rounds/{id}/revoke", auth.RunPlacement, page, s.revokePlacementLink, nil},
		{"GET /placement/rounds/{id}/register", auth.RunPlacement, page, s.placementRegister, nil},
		{"POST /placement/rounds/{id}/register", auth.RunPlacement, page, s.importPlacementRegister, nil},
		{"POST /placement/rounds/{id}/register/children/{child}/home", auth.RunPlacement, page, s.setPlacementHome, nil},
		{"GET /placement/rounds/{id}/applications", auth.RunPlacement, page, s.placementApplications, nil},
		{"GET /placement/school-texts", auth.WriteSchoolText, page, s.schoolTexts, nil},
		{"POST /placement/school-texts/{unit}", auth.WriteSchoolText, page, s.saveSchoolText, nil},
		// Guardians apply for a school (issue 15): sign-in, then their children.
		{"GET /login/apply", Public, page, s.applySignIn, nil},
		{"POST /login/apply/code", Public, page, s.applyCode, nil}, // the same answer whether the address is known or not
		{"POST /login/apply/verify", Public, page, s.applyVerify, nil},
		{"POST /logout/apply", Public, page, s.applyLogout, nil},
		{"GET /apply", Applicant, page, s.applyHome, nil},
		{"GET /apply/children/{id}", Applicant, page, s.applyChild, nil},
		{"POST /apply/children/{id}", Applicant, page, s.applySubmit, nil},
		{"POST /apply/children/{id}/answer", Applicant, page, s.applyAnswer, nil},
		{"GET /placement/d/{token}", PrivateLink, page, s.placementGuardian, nil},       // guardians, by private link
		{"POST /placement/d/{token}/answer", PrivateLink, page, s.answerPlacement, nil}, // accept or decline (issue 15)
		{"POST /placement/rounds/{id}/letters", auth.RunPlacement, page, s.placementLetters, nil},
		{"GET /placement/rounds/{id}/pass", auth.RunPlacement, page, s.placementPass, nil},
		{"POST /placement/rounds/{id}/pass", auth.RunPlacement, page, s.runPlacementPass, nil},
		// The rules form (issue 15); rules.toml as export.
		{"GET /placement/rounds/{id}/rules", auth.RunPlacement, page, s.placementRules, nil},
		{"POST /placement/rounds/{id}/rules", auth.RunPlacement, page, s.savePlacementRules, nil},
		{"GET /placement/rounds/{id}/rules.toml", auth.RunPlacement, page, s.placementRulesTOML, nil},
		// Appeals (issue 15): the register per round; the board's counts.
		{"GET /placement/rounds/{id}/appeals", auth.RunPlacement, page, s.placementAppeals, nil},
		{"POST /placement/rounds/{id}/appeals", auth.RunPlacement, page, s.recordPlacementAppeal, nil},
		{"GET /placement/rounds/{id}/appeals/{appeal}", auth.RunPlacement, page, s.placementAppeal, nil},
		{"POST /placement/rounds/{id}/appeals/{appeal}", auth.RunPlacement, page, s.updatePlacementAppeal, nil},
		{"GET /placement/appeals", auth.ReadPlacementStats, page, s.placementAppealStats, nil},
		// Pulse surveys (issue 16): answered through a class code or a
		// personal link (survey_answer.go); package survey decides scope
		// and suppression.
		{"GET /survey", Public, page, s.surveyCodeForm, nil},
		{"POST /survey", Public, page, s.surveyCode, nil},
		{"GET /survey/c/{code}", PrivateLink, page, s.surveyClass, nil},
		{"POST /survey/c/{code}", PrivateLink, page, s.surveyClassAnswer, nil},
		{"GET /survey/p/{token}", PrivateLink, page, s.surveyLink, nil},
		{"POST /survey/p/{token}", PrivateLink, page, s.surveyLinkAnswer, nil},
		{"GET /surveys", auth.ReadSurveyResults, page, s.surveys, nil},
		{"POST /surveys", auth.ManageSurveys, page, s.createSurvey, nil},
		{"POST /surveys/rounds", auth.ManageSurveys, page, s.createRound, nil},
		{"GET /surveys/bank", auth.ManageSurveys, page, s.surveyBank, nil},
		{"POST /surveys/bank", auth.ManageSurveys, page, s.addSurveyQuestion, nil},
		{"GET /surveys/rounds/{id}", auth.ReadSurveyResults, page, s.surveyRound, nil},
		{"GET /surveys/rounds/{id}/results.csv", auth.ReadSurveyResults, page, s.surveyResultsCSV, nil},
		{"POST /surveys/rounds/{id}/groups", auth.ManageSurveys, page, s.addSurveyGroup, nil},
		{"POST /surveys/rounds/{id}/invite", auth.ManageSurveys, page, s.inviteSurvey, nil},
		{"POST /surveys/rounds/{id}/indicators", auth.ManageSurveys, page, s.publishSurveyIndicators, nil},
		{"GET /surveys/rounds/{id}/groups/{group}/qr.svg", auth.ManageSurveys, page, s.surveyQR, nil},
		{"GET /surveys/rounds/{id}/texts", auth.ReadSurveyTexts, page, s.surveyTexts, nil},
		{"POST /surveys/rounds/{id}/texts/{text}/release", auth.ReadSurveyTexts, page, s.decideSurveyText(true), nil},
		{"POST /surveys/rounds/{id}/texts/{text}/remove", auth.ReadSurveyTexts, page, s.decideSurveyText(false), nil},
		// Quality dialogues (issue 6). Package dialogue decides the scope
		// (principals their units, participants theirs; board members have no auth.ReadDialogues).
		{"GET /dialogues", auth.ReadDialogues, page, s.dialogues, nil},
		{"POST /dialogues", auth.HoldDialogues, page, s.createDialogue, nil},
		{"GET /dialogues/{id}", auth.ReadDialogues, page, s.dialoguePage, nil},
		{"POST /dialogues/{id}/participant", auth.HoldDialogues, page, s.dialogueAction("participant"), nil},
		{"POST /dialogues/{id}/remove-participant", auth.HoldDialogues, page, s.dialogueAction("remove_participant"), nil},
		{"POST /dialogues/{id}/minutes", auth.HoldDialogues, page, s.dialogueAction("minutes"), nil},
		{"POST /dialogues/{id}/add-action", auth.HoldDialogues, page, s.dialogueAction("add_action"), nil},
		{"POST /dialogues/{id}/action-status", auth.HoldDialogues, page, s.dialogueAction("action_status"), nil},
		{"POST /dialogues/{id}/action-comment", auth.HoldDialogues, page, s.dialogueAction("action_comment"), nil},
		{"POST /dialogues/{id}/edit-action", auth.HoldDialogues, page, s.dialogueAction("edit_action"), nil},
		{"POST /dialogues/{id}/remove-action", auth.HoldDialogues, page, s.dialogueAction("remove_action"), nil},
		{"GET /dialogues/{id}/record", auth.ReadDialogueRecord, page, s.dialogueRecord, nil},
		{"GET /dialogues/{id}/prep", auth.ReadDialogues, page, s.dialoguePrep, nil},
		{"GET /dialogues/{id}/prep.pdf", auth.ReadDialogues, page, s.dialoguePrepPDF, nil},
		{"GET /dialogues/types", auth.ManageDialogues, page, s.dialogueTypes, nil},
		{"POST /dialogues/types", auth.ManageDialogues, page, s.saveDialogueType, nil},
		{"GET /dialogues/initiatives", auth.ReadFindings, page, s.dialogueInitiatives, nil},
		{"POST /dialogues/initiatives", auth.ManageDialogues, page, s.addInitiative, nil},
		{"GET /dialogues/initiatives/{id}/effect", auth.ReadFindings, page, s.dialogueInitiative, nil},
		{"GET /dialogues/initiatives/{id}/effect.svg", auth.ReadFindings, page, s.dialogueEffectChart, nil},
		{"GET /dialogues/findings", auth.ReadFindings, page, s.dialogueFindings, nil},
		{"POST /dialogues/findings", auth.ManageDialogues, page, s.addFinding, nil},
		{"POST /dialogues/findings/{finding}/resolved", auth.ManageDialogues, page, s.resolveFinding, nil},
		{"GET /dialogues/examples", auth.ReadFindings, page, s.dialogueExamples, nil},
		{"POST /dialogues/examples", auth.HoldDialogues, page, s.publishExample, nil},
		{"GET /dialogues/examples.json", auth.ReadFindings, page, s.exportExamples, nil},
		{"POST /dialogues/examples/import", auth.HoldDialogues, page, s.importExamples, nil},
		{"GET /dialogues/report", auth.ReadDialogueReport, page, s.dialogueReport, nil},
		{"GET /dialogues/report.pdf", auth.ReadDialogueReport, page, s.dialogueReportPDF, nil},
		{"GET /dialogues/report.xlsx", auth.ReadDialogueReport, page, s.dialogueReportXLSX, nil},
		// Staff groups' answers to a staff dialogue (issue 16): the group
		// link is created by those who may change the dialogue.
		{"POST /dialogues/{id}/staff-group", auth.HoldDialogues, page, s.addStaffGroup, nil},
		{"GET /g/{token}", PrivateLink, page, s.staffGroupForm, nil},
		{"POST /g/{token}", PrivateLink, page, s.answerStaffGroup, nil},
		// The accessibility self-assessment (issue 16). Package
		// accessibility decides the scope (principals: their units).
		{"GET /accessibility", auth.ReadAccessibility, page, s.accessRounds, nil},
		{"POST /accessibility/rounds", auth.RunAccessibility, page, s.startAccessRound, nil},
		{"GET /accessibility/rounds/{id}", auth.ReadAccessibility, page, s.accessRound, nil},
		{"POST /accessibility/rounds/{id}/close", auth.RunAccessibility, page, s.closeAccessRound, nil},
		{"POST /accessibility/rounds/{id}/gather", auth.RunAccessibility, page, s.gatherAccessRound, nil},
		{"POST /accessibility/rounds/{id}/actions", auth.RunAccessibility, page, s.accessActions, nil},
		{"GET /accessibility/summary", auth.ReadAccessibilitySummary, page, s.accessSummary, nil},
		{"GET /accessibility/sets", auth.ManageAccessibility, page, s.accessSets, nil},
		{"POST /accessibility/sets/example", auth.ManageAccessibility, page, s.addExampleSet, nil},
		{"POST /accessibility/sets/import", auth.ManageAccessibility, page, s.importAccessSet, nil},
		{"GET /accessibility/sets/{id}", auth.ManageAccessibility, page, s.accessSet, nil},
		{"POST /accessibility/sets/{id}/statement", auth.ManageAccessibility, page, s.saveAccessStatement, nil},
		{"GET /accessibility/sets/{id}/export.csv", auth.ManageAccessibility, page, s.exportAccessSetCSV, nil},
		{"GET /accessibility/sets/{id}/export.toml", auth.ManageAccessibility, page, s.exportAccessSetTOML, nil},
		{"GET /a", Public, page, s.accessCode, nil},              // staff type the unit code
		{"GET /a/{token}", PrivateLink, page, s.accessForm, nil}, // a unit code or a personal link
		{"POST /a/{token}", PrivateLink, page, s.submitAccessForm, nil},
		// Administration.
		{"GET /admin", auth.ManageOrganization, page, s.adminHome, nil},
		{"GET /admin/organizer", auth.ManageOrganization, page, s.organizerForm, nil},
		{"GET /organizer/logo", Public, page, s.organizerLogo, nil},
		{"GET /admin/clients", auth.ManageOrganization, page, s.clients, nil},
		{"POST /admin/clients", auth.ManageOrganization, page, s.addClient, nil},
		{"POST /admin/clients/revoke", auth.ManageOrganization, page, s.revokeClient, nil},
		{"POST /admin/organizer", auth.ManageOrganization, page, s.saveOrganizer, nil},
		{"GET /admin/school-forms", auth.ManageOrganization, page, s.schoolForms, nil},
		{"POST /admin/school-forms", auth.ManageOrganization, page, s.saveSchoolForm, nil},
		{"GET /admin/areas", auth.ManageOrganization, page, s.areas, nil},
		{"POST /admin/areas", auth.ManageOrganization, page, s.saveArea, nil},
		{"POST /admin/areas/{id}/delete", auth.ManageOrganization, page, s.deleteArea, nil},
		{"GET /admin/units/new", auth.ManageOrganization, page, s.unitForm, nil},
		{"POST /admin/units", auth.ManageOrganization, page, s.saveUnit, nil},
		{"GET /admin/units/{id}", auth.ManageOrganization, page, s.unitForm, nil},
		{"POST /admin/units/{id}", auth.ManageOrganization, page, s.saveUnit, nil},
		{"GET /admin/people/new", auth.ManagePeople, page, s.personForm, nil},
		{"POST /admin/people", auth.ManagePeople, page, s.savePerson, nil},
		{"GET /admin/people/{id}", auth.ManagePeople, page, s.personForm, nil},
		{"POST /admin/people/{id}", auth.ManagePeople, page, s.savePerson, nil},
		{"POST /admin/people/{id}/invite", auth.ManagePeople, page, s.invitePerson, nil},
		{"GET /admin/import", auth.ManagePeople, page, s.importForm, nil},
		{"POST /admin/import/preview", auth.ManagePeople, page, s.importPreview, nil},
		{"POST /admin/import/commit", auth.ManagePeople, page, s.importCommit, nil},
		{"GET /admin/audit", auth.ReadAudit, page, s.auditLog, nil},
		{"GET /admin/audit.csv", auth.ReadAudit, page, s.auditExport, nil},
		{"GET /admin/outbox", auth.ManageOrganization, page, s.outbox, nil},
		{"GET /admin/complaints", auth.ManageOrganization, page, s.complaintSettings, nil},
		{"POST /admin/complaints", auth.ManageOrganization, page, s.saveComplaintSettings, nil},
		{"POST /admin/complaint-categories", auth.ManageOrganization, page, s.saveCategory, nil},
		// JSON API.
		{"GET /api/openapi.json", Public, raw, nil, serveOpenAPI},
		{"GET /api/v1/me", SignedIn, api, s.apiMe, nil},
		{"GET /api/v1/organizer", SignedIn, api, s.apiOrganizer, nil},
		{"GET /api/v1/school-forms", SignedIn, api, s.apiSchoolForms, nil},
		{"GET /api/v1/overview", auth.ReadOverview, api, s.apiOverview, nil},
		{"GET /api/v1/units", PublicOr(auth.ReadUnits), api, s.apiUnits, nil}, // public catalogue, or the scope of auth.ReadUnits
		{"GET /api/v1/complaint-categories", Public, api, s.apiCategories, nil},
		{"POST /api/v1/complaints", PublicOr(auth.SubmitComplaints), api, s.apiSubmitComplaint, nil}, // anyone; API clients under their own limit and keys
		{"GET /api/v1/cases", auth.HandleCases, api, s.apiCases, nil},
		{"GET /api/v1/cases/{id}", auth.HandleCases, api, s.apiCase, nil},
		{"GET /api/v1/complaint-trends", auth.ReadCaseStats, api, s.apiTrends, nil},
		{"GET /api/v1/units/{id}", auth.ReadUnits, api, s.apiUnit, nil},
		{"GET /api/v1/people", auth.ReadPeople, api, s.apiPeople, nil},
		{"GET /api/v1/people/{id}", auth.ReadPeople, api, s.apiPerson, nil},
		{"GET /api/v1/audit", auth.ReadAudit, api, s.apiAudit, nil},
		// API: the unit picture.
		{"GET /api/v1/surveys", auth.ReadSurveyResults, api, s.apiSurveys, nil},
		{"GET /api/v1/surveys/{id}/results", auth.ReadSurveyResults, api, s.apiSurveyResults, nil},
		{"GET /api/v1/indicators", auth.ReadUnitPicture, api, s.apiIndicators, nil},
		{"GET /api/v1/indicators/{key}/values", auth.ReadUnitPicture, api, s.apiIndicatorValues, nil},
		{"GET /api/v1/unitpicture/adjusted", auth.ReadUnitPicture, api, s.apiAdjusted, nil},
		{"GET /api/v1/unitpicture/units/{id}", auth.ReadUnitPicture, api, s.apiUnitProfile, nil},
		// API: school placement.
		{"GET /api/v1/placement/rounds", auth.RunPlacement, api, s.apiPlacementRounds, nil},
		{"GET /api/v1/placement/rounds/{id}", auth.RunPlacement, api, s.apiPlacementRound, nil},
		// API: quality dialogues.
		{"GET /api/v1/dialogues", auth.ReadDialogues, api, s.apiDialogues, nil},
		{"GET /api/v1/dialogues/{id}", auth.ReadDialogues, api, s.apiDialogue, nil},
		// API: the accessibility self-assessment (issue 16).
		{"GET /api/v1/accessibility/units/{id}", auth.ReadAccessibility, api, s.apiAccessUnit, nil},
		{"GET /api/v1/actions", auth.ReadDialogues, api, s.apiActions, nil},
		{"/api/", Public, api, s.notFound, nil},
		{"/", Public, page, s.notFound, nil},
	}
}

// formBytes is the most a route takes unless bodies lists it: a form of
// plain fields, however long its texts.
const formBytes = 1 << 20

// A bodyRule is what a route's request body may be: at most Max bytes, and
// multipart/form-data only when Files is set.
type bodyRule struct {
	Max   int64
	Files bool
}

// bodies lists the routes that take files or more than formBytes. Every
// other route takes at most formBytes and refuses multipart bodies (415),
// so nothing is spooled to disk where no file is wanted. Handler panics on
// a key that is not a route.
func bodies() map[string]bodyRule {
	submission := bodyRule{maxSubmissionBytes, true}
	return map[string]bodyRule{
		"POST /complaints":                 submission,
		"POST /cases/new":                  submission,
		"POST /f/{token}/reply":            submission,
		"POST /my-cases/{id}/reply":        submission,
		"POST /cases/{id}/answered":        submission,
		"POST /cases/{id}/message":         submission,
		"POST /api/v1/complaints":          {maxAPISubmissionBytes, false}, // JSON, files in base64
		"POST /unitpicture/import/preview": {upImportMaxBytes + 64<<10, true},
		"POST /unitpicture/import/commit":  {upImportMaxBytes * 2, false}, // the file again, base64 in a field
		"POST /admin/import/preview":       {importMaxBytes + 64<<10, true},
		"POST /admin/import/commit":        {importMaxBytes + 64<<10, true},
		"POST /dialogues/examples/import":  {dialogue.MaxExampleFile + 64<<10, true},
		"POST /accessibility/sets/import":  {accessibility.MaxFile + 64<<10, true},
		"POST /placement/networks":         {round.MaxNetworkBytes + 1<<20, true},
		"POST /placement/rounds":           {2*round.MaxCSVBytes + round.MaxRulesBytes + 1<<20, true},
		"POST /admin/organizer":            {maxLogoUpload + 64<<10, true},

		// The register extract of a round (issue 15).
		"POST /placement/rounds/{id}/register": {round.MaxCSVBytes + 1<<20, true},
	}
}

// bodyOf returns the body rule of a route pattern.
func bodyOf(pattern string) bodyRule {
	if b, ok := bodies()[pattern]; ok {
		return b
	}
	return bodyRule{Max: formBytes}
}

// Route is a route of the application, the permission that guards it and
// what its request body may be.
type Route struct {
	Method, Path string
	Permission   auth.Permission
	API          bool
	MaxBody      int64 // bytes
	Files        bool  // takes multipart/form-data
}

// Routes lists every route and its permission (for tests and documentation).
func Routes() []Route {
	s := &Server{}
	var out []Route
	for _, rt := range s.routes() {
		method, path := splitPattern(rt.Pattern)
		b := bodyOf(rt.Pattern)
		out = append(out, Route{method, path, rt.Permission, rt.Kind == api, b.Max, b.Files})
	}
	return out
}

func splitPattern(p string) (method, path string) {
	for i := range len(p) {
		if p[i] == ' ' {
			return p[:i], p[i+1:]
		}
	}
	return "", p
}

// guard wraps h in the check of perm. It panics on a route without a
// known rule, so that a route added without one stops the server (and the
// tests) at once. An API client (auth.Principal.IsClient) may use only
// routes whose permission its scopes hold and public reads (GET and HEAD
// of Public and PublicOr routes); anything else is 403 for it.
func (s *Server) guard(rt route) handlerFunc {
	h := s.guardPeople(rt)
	perm, publicOr := SignedInNeeds(rt.Permission)
	public := rt.Permission == Public || publicOr
	return func(w http.ResponseWriter, r *http.Request) error {
		if p := auth.FromContext(r.Context()); p.IsClient() {
			read := r.Method == http.MethodGet || r.Method == http.MethodHead
			if !(public && read) && !(publicOr && p.Can(perm)) {
				return app.Forbidden()
			}
		}
		return h(w, r)
	}
}

// guardPeople is guard for people and anonymous callers.
func (s *Server) guardPeople(rt route) handlerFunc {
	switch {
	case rt.Permission == Public || rt.Permission == PrivateLink:
		return rt.handle
	case rt.Permission == SignedIn:
		return s.signedIn(rt.handle)
	case rt.Permission == Guardian:
		return s.guardian(rt.handle)
	case rt.Permission == Applicant:
		return s.applicant(rt.handle)
	case rt.Permission == MetricsAddress:
		return s.fromMetricsAddress(rt.handle)
	case slices.Contains(auth.Permissions, rt.Permission):
		return s.allow(rt.Permission, rt.handle)
	}
	if perm, ok := SignedInNeeds(rt.Permission); ok && slices.Contains(auth.Permissions, perm) {
		return rt.handle // open to all; the handler shows holders of perm their scope
	}
	panic(fmt.Sprintf("web: route %q has no access rule (permission %q)", rt.Pattern, rt.Permission))
}

// Handler returns every route of the application, wrapped in the middleware
// that applies to all of them (outermost first). It panics when a route
// lacks an access rule.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	rts := s.routes()
	for pattern := range bodies() {
		if !slices.ContainsFunc(rts, func(rt route) bool { return rt.Pattern == pattern }) {
			panic(fmt.Sprintf("web: body rule for %q, which is not a route", pattern))
		}
	}
	for _, rt := range rts {
		if rt.handle != nil {
			rt.handle = limitBody(bodyOf(rt.Pattern), rt.handle)
		}
		switch {
		case rt.Kind == raw && rt.Permission == Public && rt.plain != nil:
			mux.Handle(rt.Pattern, rt.plain)
		case rt.Kind == page && rt.handle != nil:
			mux.Handle(rt.Pattern, s.page(s.guard(rt)))
		case rt.Kind == api && rt.handle != nil:
			mux.Handle(rt.Pattern, s.api(s.guard(rt)))
		default:
			panic(fmt.Sprintf("web: route %q is malformed", rt.Pattern))
		}
	}
	return chain(mux,
		s.realClient,
		s.recoverPanics,
		s.logRequests,
		s.securityHeaders,
		crossOrigin().Handler,
		s.sessions.LoadAndSave,
		s.identify,
	)
}

// crossOrigin is the CSRF protection of unsafe methods, but for the SAML
// ACS: the identity provider's answer is a cross-site POST by design, and
// is checked against the sign-in begun in this browser instead
// (sso_saml.go).
func crossOrigin() *http.CrossOriginProtection {
	c := http.NewCrossOriginProtection()
	c.AddInsecureBypassPattern("POST /saml/acs")
	return c
}
