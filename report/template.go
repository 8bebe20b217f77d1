package report

// DescriptionTemplate is a starting file for the description inputs. Every
// part takes text (paragraphs separated by a blank line), items, or
// `none:` with the reason it does not apply.
const DescriptionTemplate = `# Description inputs for Attest: the facts Section 3 of the report is
# drafted from. Answer every part with text and/or items, or with
#   none: <why it does not apply>
# Save, then: attest description set --file description.yaml

organization: ""          # the service organization's legal name
system: ""                # the name of the system described
signer: {name: "", title: ""}   # the officer who signs the assertion and letters

services:                 # DC1: the services provided
  text: ""

commitments:              # DC2 (SOC 2): principal service commitments and system requirements
  text: ""
  items: []

components:               # DC3: system components and boundaries
  infrastructure: {text: ""}
  software: {text: ""}
  people: {text: ""}
  procedures: {text: ""}
  data: {text: ""}
  boundaries: {text: ""}

incidents:                # DC4: incidents considered; each says whether it resulted from a
  items: []               # control failure or significantly impaired commitments
  # - date: "2026-05-14"
  #   summary: ""
  #   control_failure: false
  #   impaired_commitments: false
  #   response: ""
  # none: "No incident during the period resulted from a control failure ..."

cuecs:                    # DC6: controls customers must operate for OUR criteria or objectives
  items: []               # to be met; each names what it is needed for
  # - text: ""
  #   for: [CC6.2]
  # none: "The controls described meet the criteria without controls at user entities."

user_responsibilities:    # not CUECs: what customers do to benefit from the service
  items: []

third_parties:            # every third party the system uses. For each, answer first:
  []                      # are its controls needed, together with ours, to meet a criterion or
  # - name: ""            # objective? true: a subservice organization (DC7); false: a vendor.
  #   services: ""
  #   service_types: [infrastructure-hosting]   # CSOCs are suggested by service type: infrastructure-hosting,
  #   controls_needed: true                     # managed-database, identity-provider, colocation, payment-processing,
  #                                             # email-delivery, logging-monitoring, backup-storage,
  #                                             # source-code-hosting, other
  #   method: carve-out     # or inclusive (subservice organizations only)
  #   monitoring_control: VND-04
  #   csocs:
  #     - covers: physical-access                # the suggestion it describes (attest description check lists them)
  #       text: ""
  #       for: [CC6.4]
  #   csocs_not_assumed:                         # a suggestion that does not apply, and why
  #     - {topic: restore, reason: ""}

subservice_organizations: # DC7: when there is none, say so and why
  items: []
  # none: "The system relies on no third party whose controls are needed to meet the criteria."

criteria_not_relevant:    # DC8 (SOC 2): criteria not relevant, each with its reason (the engagement's
  items: []               # exclusions are added); or none: why every criterion applies
  # - criterion: P3.2
  #   reason: ""
  # none: "Every criterion of the categories in scope applies to the system."

significant_changes:      # DC9 (Type 2 only): significant changes during the period
  items: []
  # - date: "2026-07-01"
  #   summary: ""

# SOC 1 only: the elements of a SOC 1 description.
# soc1:
#   transaction_classes: {text: ""}
#   procedures: {text: ""}
#   records: {text: ""}
#   significant_events: {text: ""}
#   report_preparation: {text: ""}
#   control_environment: {text: ""}
#   risk_assessment: {text: ""}
#   information_and_communication: {text: ""}
#   monitoring: {text: ""}
`
