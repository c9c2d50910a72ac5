#!/usr/bin/env bash
# A walk through the claims service of the training deck, on a fresh SQLite
# training database. Every line is a command a handler, agent or auditor would type.
# Run from the repository root:  bash examples/walkthrough.sh   (needs `claims` on PATH)
# In Chinese:                    CLAIMS_LANG=zh bash examples/walkthrough.sh
set -euo pipefail
cd "$(dirname "$0")"
export CLAIMS_DB="${CLAIMS_DB:-walkthrough.db}"
rm -f "$CLAIMS_DB" "$CLAIMS_DB-wal" "$CLAIMS_DB-shm"

# Headings are bold on a terminal only: piped into a file or a pager they stay plain text.
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s## %s%s\n' "$bold" "$*" "$plain"; }
say() { printf '$ %s\n' "$*"; }
# The narration speaks the tool's language (CLAIMS_LANG, else LC_ALL / LANG: zh* is Chinese); t ENGLISH CHINESE.
case "${CLAIMS_LANG:-${LC_ALL:-${LANG:-}}}" in zh*) zh=1 ;; *) zh='' ;; esac
t() { if [ -n "$zh" ]; then printf '%s' "$2"; else printf '%s' "$1"; fi; }
by() { t "(as $1, $2)" "（$1，$2）"; }
# Run a command as a user at a moment of the training clock; show it as typed.
as() { local who=$1 when=$2; shift 2; say "claims $* $(by "$who" "$when")"; CLAIMS_USER=$who CLAIMS_NOW=$when claims "$@"; }
# A command the rules must refuse: show the refusal and its exit code, and go on.
refused() { local who=$1 when=$2 code; shift 2; say "claims $* $(by "$who" "$when")"
  if CLAIMS_USER=$who CLAIMS_NOW=$when claims "$@"; then echo "!! expected a refusal"; exit 1; else code=$?; echo "   → $(t exit 退出码) $code"; fi; }
new_claim() { CLAIMS_USER=$1 CLAIMS_NOW=$2 claims --json "${@:3}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["claim"])'; }

step "$(t "Set-up: a training database (CLAIMS_NOW sets the clock), users, policies" "准备：培训数据库（CLAIMS_NOW 设定时钟）、用户、保单")"
as admin 2026-04-01T09:00+08:00 init --training
as admin 2026-04-01T09:00+08:00 user add li --role agent
as admin 2026-04-01T09:00+08:00 user add wang --role handler --limit 50000
as admin 2026-04-01T09:00+08:00 user add sun --role handler --limit 100000
as admin 2026-04-01T09:00+08:00 user add zhao --role senior
as admin 2026-04-01T09:00+08:00 user add qian --role auditor
as admin 2026-04-01T09:00+08:00 policy import policies.json

step "$(t "Slide 17: 陈某 finds early stomach cancer three years into his policy (critical illness)" "课件第 17 页：陈某投保三年后确诊早期胃癌（重大疾病）")"
say "claims report P-2022-0002 --type critical_illness --event-date 2026-04-25 --channel agent $(by li 2026-05-01T09:00+08:00)"
C1=$(new_claim li 2026-05-01T09:00+08:00 report P-2022-0002 --type critical_illness --event-date 2026-04-25 --channel agent --description 胃癌初期)
echo "$C1"
refused wang 2026-05-01T09:05+08:00 report P-2022-0002 --type critical_illness --event-date 2026-04-25
as li 2026-05-01T09:10+08:00 apply "$C1" --applicant 陈某 --id-type resident_id --id-number 630102197502110013 --id-expires 2035-01-01
quietly() { local who=$1 when=$2; shift 2; say "claims $* $(by "$who" "$when")"; CLAIMS_USER=$who CLAIMS_NOW=$when claims "$@" >/dev/null; }
quietly li 2026-05-03T10:00+08:00 attach "$C1" claim_form
quietly li 2026-05-03T10:00+08:00 attach "$C1" applicant_id
quietly li 2026-05-03T10:00+08:00 attach "$C1" bank_account
as li 2026-05-03T10:00+08:00 attach "$C1" diagnosis_certificate --file materials/diagnosis-certificate-chen.txt
refused wang 2026-05-04T09:00+08:00 investigate "$C1"
quietly li 2026-05-10T15:00+08:00 attach "$C1" pathology_report
as li 2026-05-10T15:00+08:00 attach "$C1" medical_records
as wang 2026-05-11T09:00+08:00 investigate "$C1"
refused li 2026-05-12T09:00+08:00 decide "$C1" approve --amount 60000 --reason "promising a payout"
refused wang 2026-05-12T09:00+08:00 decide "$C1" approve --amount 60000 --reason "pathology confirms gastric cancer"
as zhao 2026-05-12T09:30+08:00 decide "$C1" approve --amount 60000 --reason "pathology confirms gastric cancer"
as wang 2026-05-12T10:00+08:00 notify "$C1"
refused zhao 2026-05-13T09:00+08:00 pay "$C1" --amount 60000
refused wang 2026-05-13T09:00+08:00 pay "$C1" --amount 6000
as wang 2026-05-13T09:00+08:00 pay "$C1" --amount 60000
as wang 2026-05-13T09:05+08:00 close "$C1"
as li 2026-05-20T11:00+08:00 consult "$C1" --note "客户送来锦旗：平安人寿诚实可信"

step "$(t "Slide 13: 张女士 dies; her ex-husband 陈先生 is still the named death beneficiary" "课件第 13 页：张女士身故，前夫陈先生仍是指定的身故受益人")"
C2=$(new_claim li 2026-06-01T09:00+08:00 report P-2023-0001 --type death --event-date 2026-05-10 --cause illness --late-reason "family abroad, learned of the death late")
echo "$C2 $(t "(reported 22 days after the event: accepted, flagged late_report)" "（出险 22 天后报案：受理，标记为逾期报案 late_report）")"
refused li 2026-06-02T09:00+08:00 apply "$C2" --applicant 张母 --relation heir --id-type resident_id --id-number 110105195501010027
refused li 2026-06-02T09:00+08:00 apply "$C2" --applicant 陈先生 --id-type household_register --id-number 11010519800501003X
refused li 2026-06-02T09:00+08:00 apply "$C2" --applicant 陈先生 --id-type resident_id --id-number 11010519800501003X --signed-by li
as li 2026-06-02T09:00+08:00 apply "$C2" --applicant 陈先生 --id-type resident_id --id-number 11010519800501003X
as li 2026-06-02T09:05+08:00 docs "$C2"
for doc in claim_form applicant_id bank_account death_certificate household_deregistration; do
  CLAIMS_USER=li CLAIMS_NOW=2026-06-10T10:00+08:00 claims attach "$C2" "$doc" >/dev/null
done
as wang 2026-06-11T09:00+08:00 investigate "$C2"
# they divorced; a divorce certificate does not undo a designation by name alone (SPC Interpretation III Art. 9(3))
quietly li 2026-06-11T10:00+08:00 attach "$C2" relationship_change_proof
refused wang 2026-06-11T10:05+08:00 exclude "$C2" 陈先生 --because relation_ended
as zhao 2026-06-12T09:00+08:00 decide "$C2" approve --amount 100000 --reason "death certified; the named beneficiary claims"
as wang 2026-06-12T10:00+08:00 notify "$C2"
as sun 2026-06-13T09:00+08:00 pay "$C2" --amount 100000

step "$(t "Slide 13, the other way: a second policy names 陈先生 by name AND as her spouse — the divorce ends the designation" "课件第 13 页的另一种情形：第二份保单以姓名加身份关系（配偶）指定陈先生——离婚后该指定失效")"
C5=$(new_claim li 2026-06-01T09:10+08:00 report P-2023-0006 --type death --event-date 2026-05-10 --cause illness --late-reason "family abroad, learned of the death late")
echo "$C5"
quietly li 2026-06-02T10:00+08:00 attach "$C5" relationship_change_proof
as wang 2026-06-02T10:05+08:00 exclude "$C5" 陈先生 --because relation_ended
refused li 2026-06-02T10:10+08:00 apply "$C5" --applicant 陈先生 --relation beneficiary --id-type resident_id --id-number 11010519800501003X
echo "   $(t "(nobody named is entitled: the benefit is 张女士's estate, and her heirs claim it — Insurance Law Art. 42)" "（无指定受益人可领：保险金作为张女士的遗产，由其继承人申请——《保险法》第四十二条）")"
as li 2026-06-02T10:15+08:00 apply "$C5" --applicant 张母 --relation heir --id-type resident_id --id-number 110105195501010027
for doc in claim_form applicant_id bank_account death_certificate household_deregistration inheritance_proof; do
  CLAIMS_USER=li CLAIMS_NOW=2026-06-10T10:00+08:00 claims attach "$C5" "$doc" >/dev/null
done
as wang 2026-06-11T09:00+08:00 investigate "$C5"
as zhao 2026-06-12T09:00+08:00 decide "$C5" approve --amount 50000 --reason "the estate's claim, by her mother as heir"
as wang 2026-06-12T10:00+08:00 notify "$C5"
as sun 2026-06-13T09:00+08:00 pay "$C5" --amount 50000

step "$(t "SPC Interpretation III Art. 12: 王某 named his two sons, half each; 王二 died before him" "《保险法司法解释（三）》第十二条：王某指定两个儿子各占一半，王二先于王某死亡")"
C6=$(new_claim li 2026-07-01T09:00+08:00 report P-2021-0007 --type death --event-date 2026-06-28 --cause illness)
echo "$C6"
refused li 2026-07-01T09:10+08:00 apply "$C6" --applicant 王二家属 --relation heir --id-type resident_id --id-number 110101198304040022
quietly li 2026-07-01T09:20+08:00 attach "$C6" beneficiary_death_certificate
as wang 2026-07-01T09:30+08:00 exclude "$C6" 王二 --because predeceased
as li 2026-07-01T09:40+08:00 apply "$C6" --applicant 王大 --id-type resident_id --id-number 110101198003030015
for doc in claim_form applicant_id bank_account death_certificate household_deregistration; do
  CLAIMS_USER=li CLAIMS_NOW=2026-07-02T10:00+08:00 claims attach "$C6" "$doc" >/dev/null
done
as wang 2026-07-03T09:00+08:00 investigate "$C6"
as zhao 2026-07-03T10:00+08:00 decide "$C6" approve --amount 200000 --reason "the surviving son takes his brother's share (SPC III Art. 12)"
as wang 2026-07-03T11:00+08:00 notify "$C6"
as sun 2026-07-06T09:00+08:00 pay "$C6" --amount 200000 --to 王大

step "$(t "Slide 14 and slide 11: 陈小明 (14) is in hospital; his mother paid the premiums" "课件第 14、11 页：陈小明（14 岁）住院，保费由其母亲缴纳")"
C3=$(new_claim li 2026-06-05T09:00+08:00 report P-2024-0003 --type medical --event-date 2026-06-01 --channel phone)
echo "$C3"
refused li 2026-06-05T09:10+08:00 apply "$C3" --applicant 陈女士 --relation insured --id-type resident_id --id-number 310101198503030027
refused li 2026-06-05T09:10+08:00 apply "$C3" --applicant 陈小明 --id-type resident_id --id-number 310101201209010011
as li 2026-06-05T09:15+08:00 apply "$C3" --applicant 陈女士 --relation guardian --for 陈小明 --id-type resident_id --id-number 310101198503030027
for doc in claim_form applicant_id bank_account guardianship_proof admission_discharge_records diagnosis_certificate original_invoices itemized_bill; do
  CLAIMS_USER=li CLAIMS_NOW=2026-06-08T10:00+08:00 claims attach "$C3" "$doc" >/dev/null
done
as wang 2026-06-09T09:00+08:00 investigate "$C3"
as wang 2026-06-10T09:00+08:00 decide "$C3" partial --amount 8000 --reason "imported drugs are outside the cover"
as wang 2026-06-10T09:30+08:00 notify "$C3"
as sun 2026-06-11T09:00+08:00 pay "$C3" --amount 8000
as li 2026-06-20T09:00+08:00 appeal "$C3" --reason "the drugs were prescribed as necessary treatment"
as wang 2026-06-21T09:00+08:00 investigate "$C3"
as sun 2026-06-25T09:00+08:00 decide "$C3" approve --amount 9500 --reason "review: the drugs were necessary"
as sun 2026-06-25T09:10+08:00 notify "$C3"
refused sun 2026-06-26T09:00+08:00 pay "$C3" --amount 9500
as wang 2026-06-26T09:00+08:00 pay "$C3" --amount 1500

step "$(t "Slide 14: the survival benefit of 陈小明's policy falls due; his mother, who paid the premiums, asks for it" "课件第 14 页：陈小明保单的生存金到期，缴费的母亲前来申领")"
C7=$(new_claim li 2026-07-20T09:00+08:00 report P-2024-0003 --type survival_benefit --event-date 2026-07-15)
echo "$C7 $(t "(a benefit due on a date: no reporting window)" "（到期给付的保险金：无报案时限）")"
refused li 2026-07-20T09:05+08:00 apply "$C7" --applicant 陈女士 --relation beneficiary --id-type resident_id --id-number 310101198503030027
as li 2026-07-20T09:10+08:00 apply "$C7" --applicant 陈女士 --relation guardian --for 陈小明 --id-type resident_id --id-number 310101198503030027

step "$(t "Refusals the law requires: a lapsed policy; non-disclosure after two years (Art. 16)" "法律要求的拒绝：失效保单；合同成立两年后不得以未如实告知拒赔（《保险法》第十六条）")"
refused li 2026-06-05T09:00+08:00 report P-2018-0004 --type death --event-date 2026-06-01
C4=$(new_claim li 2026-06-05T10:00+08:00 report P-2021-0005 --type disability --event-date 2026-05-30 --cause accident)
as li 2026-06-05T10:05+08:00 apply "$C4" --applicant 李强 --id-type resident_id --id-number 44030419701010001X
for doc in claim_form applicant_id bank_account disability_assessment medical_records; do
  CLAIMS_USER=li CLAIMS_NOW=2026-06-06T10:00+08:00 claims attach "$C4" "$doc" >/dev/null
done
as wang 2026-06-07T09:00+08:00 investigate "$C4"
refused wang 2026-06-08T09:00+08:00 decide "$C4" decline --ground nondisclosure --reason "undisclosed hypertension"
refused wang 2026-06-08T09:00+08:00 decide "$C4" decline --reason "no ground given"
as wang 2026-06-08T09:00+08:00 decide "$C4" decline --ground exclusion --reason "injury while driving without a licence (exclusion 2.3)"
as wang 2026-06-09T09:00+08:00 notify "$C4"

step "$(t "Six weeks later, the agent's view: where each case stands (ID numbers masked for agents)" "六周后，业务员视角：各案件进展（业务员看到的证件号码已遮蔽）")"
as li 2026-07-20T09:00+08:00 status "$C2"
as li 2026-07-20T09:00+08:00 list
as li 2026-07-20T09:00+08:00 list --overdue

step "$(t "The auditor's view: the audit trail of the slide-17 case" "稽核视角：课件第 17 页案件的审计记录")"
as qian 2026-07-20T09:00+08:00 history "$C1"
as qian 2026-07-20T09:00+08:00 diagram
