{{- define "gateway-doctor.labels" -}}
app.kubernetes.io/name: gateway-doctor
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "gateway-doctor.selector" -}}
app.kubernetes.io/name: gateway-doctor
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}


{{- define "gateway-doctor.watchNamespaces" -}}
{{- if kindIs "slice" .Values.watchNamespaces -}}
{{- join "," .Values.watchNamespaces -}}
{{- else -}}
{{- .Values.watchNamespaces -}}
{{- end -}}
{{- end -}}

{{- /* The operator's ServiceAccount: serviceAccount.name, else the release's name. */ -}}
{{- define "gateway-doctor.serviceAccountName" -}}
{{- default (include "gateway-doctor.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- /* The name of the release's objects: fullnameOverride, else the release's name. */ -}}
{{- define "gateway-doctor.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}


{{- /*
The operator Deployments as a JSON list of {name, deployment, namespaces}: one per entry of
.Values.shards (each watching its own namespaces, with its own Lease and ledger), else one that
watches watchNamespaces. A namespace in two shards, a shard without namespaces or a shard that
watches every namespace fails the install: a target must be owned by exactly one shard.
*/ -}}
{{- define "gateway-doctor.shards" -}}
{{- $full := include "gateway-doctor.fullname" . -}}
{{- if .Values.shards -}}
{{- $watch := include "gateway-doctor.watchNamespaces" . -}}
{{- if ne $watch "JOSDK_ALL_NAMESPACES" -}}
{{- fail "shards: set the namespaces in each shard and leave watchNamespaces unset" -}}
{{- end -}}
{{- $names := dict -}}
{{- $seen := dict -}}
{{- $out := list -}}
{{- range .Values.shards -}}
{{- $name := toString .name -}}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?$" $name) -}}
{{- fail (printf "shards: name %q must be a DNS label of at most 20 characters" $name) -}}
{{- end -}}
{{- if hasKey $names $name -}}
{{- fail (printf "shards: two shards are named %q" $name) -}}
{{- end -}}
{{- $_ := set $names $name true -}}
{{- if not .namespaces -}}
{{- fail (printf "shards: shard %q lists no namespaces" $name) -}}
{{- end -}}
{{- range .namespaces -}}
{{- if or (eq . "JOSDK_ALL_NAMESPACES") (eq . "*") -}}
{{- fail (printf "shards: shard %q would watch every namespace; list its namespaces" $name) -}}
{{- end -}}
{{- if hasKey $seen . -}}
{{- fail (printf "shards: namespace %q is in shards %q and %q; a namespace belongs to one shard" . (get $seen .) $name) -}}
{{- end -}}
{{- $_ := set $seen . $name -}}
{{- end -}}
{{- $d := printf "%s-%s" $full $name -}}
{{- $out = append $out (dict "name" $name "deployment" $d "namespaces" (join "," .namespaces) "lease" (printf "%s-lease" $d) "ledger" (printf "%s-remediation-ledger" $d)) -}}
{{- end -}}
{{- toJson $out -}}
{{- else -}}
{{- /* the names of before shards existed: an upgrade keeps its Lease (no second leader) and ledger */ -}}
{{- toJson (list (dict "name" "" "deployment" $full "namespaces" (include "gateway-doctor.watchNamespaces" .) "lease" "gateway-doctor-lease" "ledger" "gateway-doctor-remediation-ledger")) -}}
{{- end -}}
{{- end -}}
