import BuildProvenance
import PipelineCore
import Stages

StageMain.run(PhasesStage.self, builtFrom: builtSourceDigests)
