{{- define "gateway-doctor.labels" -}}
app.kubernetes.io/name: gateway-doctor
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}
