{{/* Chart name. */}}
{{- define "lore.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified release name. */}}
{{- define "lore.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "lore.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "lore.labels" -}}
helm.sh/chart: {{ include "lore.chart" . }}
{{ include "lore.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "lore.selectorLabels" -}}
app.kubernetes.io/name: {{ include "lore.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "lore.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "lore.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "lore.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Scaled mode: a PostgreSQL URL is configured (value or existing Secret). */}}
{{- define "lore.scaled" -}}
{{- if or .Values.database.url .Values.database.existingSecret }}true{{- end }}
{{- end }}

{{/* Name of the Secret holding the app's secrets. */}}
{{- define "lore.secretName" -}}
{{- default (include "lore.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* LORE_ROLES of the API pods. */}}
{{- define "lore.apiRoles" -}}
{{- if and (include "lore.scaled" .) .Values.worker.enabled }}api{{ else }}api,worker{{ end }}
{{- end }}

{{/* Plain settings shared by the ConfigMap and the migration hook (which runs before it exists). */}}
{{- define "lore.configData" -}}
LORE_HOST: "0.0.0.0"
LORE_PORT: "7860"
LORE_DATA_DIR: /app/data
LORE_LOG_LEVEL: {{ .Values.config.logLevel | quote }}
LORE_USER_MANAGEMENT: {{ .Values.config.userManagement | quote }}
LORE_TRUST_PROXY: {{ .Values.config.trustProxy | quote }}
LORE_ADMIN_EMAIL: {{ .Values.config.adminEmail | quote }}
LORE_DB_POOL_SIZE: {{ .Values.config.dbPoolSize | quote }}
LORE_WORKER_CONCURRENCY: {{ .Values.config.workerConcurrency | quote }}
LORE_MAX_DOCUMENTS_PER_UPLOAD: {{ .Values.config.maxDocumentsPerUpload | quote }}
LORE_MAX_PAGES: {{ .Values.config.maxPages | quote }}
LORE_OCR: {{ .Values.config.ocr | quote }}
{{- with .Values.config.corsOrigins }}
LORE_CORS_ORIGINS: {{ . | quote }}
{{- end }}
{{- with .Values.config.blobUrl }}
LORE_BLOB_URL: {{ . | quote }}
{{- end }}
{{- with .Values.config.jwt.issuer }}
LORE_JWT_ISSUER: {{ . | quote }}
{{- end }}
{{- with .Values.config.jwt.audience }}
LORE_JWT_AUDIENCE: {{ . | quote }}
{{- end }}
{{- range $key, $value := .Values.config.extraEnv }}
{{ $key }}: {{ $value | quote }}
{{- end }}
{{- end }}

{{/* The database URL from an existing Secret (scaled mode). */}}
{{- define "lore.databaseEnv" -}}
{{- if .Values.database.existingSecret }}
- name: LORE_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.existingSecret }}
      key: {{ .Values.database.existingSecretKey }}
{{- end }}
{{- end }}

{{/* Container security context, probes and volume mounts shared by api and worker. */}}
{{- define "lore.probes" -}}
livenessProbe:
  httpGet: {path: {{ .Values.probes.liveness.path }}, port: http}
  periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
readinessProbe:
  httpGet: {path: {{ .Values.probes.readiness.path }}, port: http}
  periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
startupProbe:
  httpGet: {path: {{ .Values.probes.startup.path }}, port: http}
  periodSeconds: {{ .Values.probes.startup.periodSeconds }}
  failureThreshold: {{ .Values.probes.startup.failureThreshold }}
{{- end }}

{{- define "lore.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.persistence.enabled }}
- name: data
  mountPath: /app/data
{{- end }}
{{- end }}

{{- define "lore.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 1Gi
{{- if .Values.persistence.enabled }}
- name: data
  persistentVolumeClaim:
    claimName: {{ default (printf "%s-data" (include "lore.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}
{{- end }}
