variable "name" {
  description = "Name prefix of the secrets (`<name>/OPENAI_API_KEY`, ...)."
  type        = string
}

variable "initial_provider_keys" {
  description = "Optional first values for OPENAI_API_KEY / COHERE_API_KEY (prefer setting them out of band)."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "recovery_window_in_days" {
  description = "Days a deleted secret can be restored (0 deletes at once)."
  type        = number
  default     = 7
}
