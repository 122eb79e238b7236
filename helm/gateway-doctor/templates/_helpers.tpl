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

{{- /*
The namespaces the operator diagnoses, as a JSON list, when they are listed (watchNamespaces, the
shards', or its own with JOSDK_WATCH_CURRENT): its read rights are then Roles in those namespaces;
empty when it watches every namespace (a ClusterRole).
*/ -}}
{{- define "gateway-doctor.watchedNamespaces" -}}
{{- $out := list -}}
{{- if .Values.shards -}}
{{- range .Values.shards -}}
{{- range .namespaces -}}
{{- $out = append $out (toString .) -}}
{{- end -}}
{{- end -}}
{{- else -}}
{{- $w := include "gateway-doctor.watchNamespaces" . -}}
{{- if eq $w "JOSDK_WATCH_CURRENT" -}}
{{- $out = list .Release.Namespace -}}
{{- else if and (ne $w "") (ne $w "JOSDK_ALL_NAMESPACES") -}}
{{- range splitList "," $w -}}
{{- if trim . -}}
{{- $out = append $out (trim .) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toJson ($out | uniq) -}}
{{- end -}}

{{- /* What the operator reads and writes in each namespace it diagnoses. */ -}}
{{- define "gateway-doctor.namespacedRules" -}}
- apiGroups: [networking.k8s.io]
  resources: [ingresses, networkpolicies]
  verbs: [get, list, watch]
- apiGroups: [apps]
  resources: [deployments, replicasets]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [services, pods]
  verbs: [get, list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [get, list, watch]
{{- if .Values.gatewayApi.enabled }}
# HTTPRoute and GRPCRoute targets, where the cluster serves the Gateway API (asked by discovery at start)
- apiGroups: [gateway.networking.k8s.io]
  resources: [httproutes, grpcroutes, backendtlspolicies]
  verbs: [get, list, watch]
{{- if .Values.gatewayApi.backendTlsCaConfigMaps }}
# the CA ConfigMaps that BackendTLSPolicies name, read by name (ca.crt alone is kept): probes verify
# the backends' certificates as the gateway does, and a missing CA is found
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get]
{{- end }}
{{- end }}
{{- if .Values.tlsSecretCheck }}
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
{{- end }}
- apiGroups: [gatewaydoctor.io]
  resources: [gatewaydiagnoses]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [gatewaydoctor.io]
  resources: [gatewaydiagnoses/status]
  verbs: [get, update, patch]
# Events on the targets when their health changes: one per object and reason, read by name and
# counted up on repeats (get, then patch; create the first time)
- apiGroups: [""]
  resources: [events]
  verbs: [get, create, patch]
{{- end -}}
