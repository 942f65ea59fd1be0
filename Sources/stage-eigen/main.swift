import BuildProvenance
import PipelineCore
import Stages

StageMain.run(EigenStage.self, builtFrom: builtSourceDigests)
