import BuildProvenance
import PipelineCore
import Stages

StageMain.run(SaddlesStage.self, builtFrom: builtSourceDigests)
