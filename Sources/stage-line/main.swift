import BuildProvenance
import PipelineCore
import Stages

StageMain.run(LineStage.self, builtFrom: builtSourceDigests)
