variable project_name
set project_name "myproject"
variable backend
set backend "vivado"
variable part
set part "xcvu9p-flga2577-2-e"
variable clock_period
set clock_period 5.0
variable clock_uncertainty
set clock_uncertainty 12.5%
variable version
set version "1.0.0"
