import BuildProvenance
import PipelineCore
import Projected

StageMain.run(ProjectedStage.self, codeTable: codeTable)
